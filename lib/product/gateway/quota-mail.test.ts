import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { customerQuotaMail, staffQuotaMail, type QuotaMailInput } from './quota-mail';

const input: QuotaMailInput = {
  kind: 'warning',
  org: { name: 'Acme <script>alert(1)</script> & "Sons"', slug: 'acme' },
  quota: { tier: 'community', limit: 500, hardLimit: 550 },
  used: 400,
  month: '2026-12-01',
};

describe('pull quota mail', () => {
  const previous = process.env.PUBLIC_URL;
  beforeEach(() => void (process.env.PUBLIC_URL = 'https://portal.vendor.test'));
  afterEach(() => void (previous === undefined ? delete process.env.PUBLIC_URL : (process.env.PUBLIC_URL = previous)));

  it('escapes the customer name in HTML and keeps it whole in the text', () => {
    for (const mail of [customerQuotaMail('a@acme.test', input), staffQuotaMail('s@vendor.test', input), customerQuotaMail('a@acme.test', { ...input, kind: 'refused' })]) {
      expect(mail.html).not.toContain('<script>');
      expect(mail.html).toContain('Acme &lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;Sons&quot;');
      expect(mail.text).toContain(input.org.name);
    }
  });

  it('tells the customer the month, the grace, the refusal text and the upgrade link; staff get the admin page', () => {
    const customer = customerQuotaMail('a@acme.test', input);
    expect(customer.text).toContain('has used 400 of its 500 image pulls for December 2026 (UTC).');
    expect(customer.text).toContain('Past 550 pulls (the limit plus a grace of 50), the registry refuses new image pulls until January 1, 2027 (UTC)');
    expect(customer.text).toContain('toomanyrequests: monthly pull quota of 500 reached for acme; upgrade at https://portal.vendor.test/portal/acme/billing?upgrade=team');
    expect(customer.text).not.toContain('/admin/');
    const enterprise = customerQuotaMail('a@acme.test', { ...input, quota: { tier: 'enterprise', limit: 500, hardLimit: 500 } });
    expect(enterprise.text).toContain('Past 500 pulls (the limit), the registry');
    expect(enterprise.text).toContain('https://portal.vendor.test/portal/acme/usage');
    expect(staffQuotaMail('s@vendor.test', input).text).toContain('https://portal.vendor.test/admin/customers/acme');
  });
});
