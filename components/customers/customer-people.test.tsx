import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { INVITATION_LINK_LOST, InviteLinkDialog } from './customer-people';

describe('the invitation link dialog', () => {
  it('says to resend a lost invitation, not to rotate it like a token', () => {
    const html = renderToStaticMarkup(<InviteLinkDialog invited={{ link: 'https://portcullis.test/invite/pci_x', mailed: true, email: 'new@acme.test' }} onClose={() => {}} />);
    expect(html).toContain('pci_x');
    expect(html).toContain(INVITATION_LINK_LOST);
    expect(html).toContain('resend the invitation');
    expect(html).not.toContain('rotate');
  });
});
