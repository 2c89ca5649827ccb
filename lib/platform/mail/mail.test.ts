import { afterEach, describe, expect, it } from 'vitest';
import { invitationMail } from '@/lib/identity/members/invitation-mail';
import { startMailSink } from '@/dev/testing/mail-sink';
import { mailFrom, sendMail, setMailTransport, transportFromEnv } from './send';
import { smtpTransport } from './smtp';
import { consoleTransport, memoryTransport } from './transport';

afterEach(() => setMailTransport(undefined));

describe('mail', () => {
  it('picks the transport from the environment', () => {
    expect(transportFromEnv({}).name).toBe('console');
    expect(transportFromEnv({ SMTP_URL: 'smtp://mail.test:587' }).name).toBe('smtp');
    expect(transportFromEnv({ MAIL_TRANSPORT: 'console', SMTP_URL: 'smtp://mail.test:587' }).name).toBe('console');
    expect(() => transportFromEnv({ MAIL_TRANSPORT: 'smtp' })).toThrow(/needs SMTP_URL/);
    expect(() => transportFromEnv({ MAIL_TRANSPORT: 'pigeon' })).toThrow(/must be "smtp" or "console"/);
    expect(mailFrom({ MAIL_FROM: 'Ops <ops@vendor.test>' })).toBe('Ops <ops@vendor.test>');
  });

  it('the console transport prints the whole message', async () => {
    let out = '';
    await consoleTransport((chunk) => (out += chunk)).send({ from: 'a@b.test', to: 'c@d.test', subject: 'Hello', text: 'Body line' });
    expect(out).toContain('To: c@d.test');
    expect(out).toContain('Subject: Hello');
    expect(out).toContain('Body line');
  });

  it('sends through a real SMTP server', async () => {
    const sink = await startMailSink();
    try {
      setMailTransport(smtpTransport(sink.url));
      const message = invitationMail({
        to: 'new.person@customer.test',
        orgName: 'Acme <Corp> — Ünïcode',
        inviter: 'owner@acme.test',
        roleLabel: 'Editor',
        link: `http://localhost:3000/invite/pci_${'a'.repeat(43)}`,
        expiresAt: new Date('2030-01-01T00:00:00Z'),
      });
      expect(message.html).toContain('Acme &lt;Corp&gt;');
      expect(await sendMail(message)).toEqual({ sent: true });
      expect(sink.messages).toHaveLength(1);
      const [received] = sink.messages;
      expect(received!.to).toEqual(['new.person@customer.test']);
      expect(received!.subject).toBe('You are invited to Acme <Corp> — Ünïcode on Portcullis');
      expect(received!.text).toContain(`http://localhost:3000/invite/pci_${'a'.repeat(43)}`);
      expect(received!.text).toContain('owner@acme.test invited you to join Acme <Corp> — Ünïcode on Portcullis as Editor.');
    } finally {
      await sink.close();
    }
  });

  it('reports a failed send instead of throwing', async () => {
    setMailTransport(smtpTransport('smtp://127.0.0.1:1', { timeoutMs: 2000 }));
    expect(await sendMail({ to: 'x@y.test', subject: 's', text: 't' })).toEqual({ sent: false });
    const memory = memoryTransport();
    setMailTransport(memory);
    expect(await sendMail({ to: 'x@y.test', subject: 's', text: 't' })).toEqual({ sent: true });
    expect(memory.sent[0]).toMatchObject({ to: 'x@y.test', from: mailFrom() });
  });
});
