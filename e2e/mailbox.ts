import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from '@playwright/test';
import type { ReceivedMail } from '@/dev/testing/mail-sink';

/**
 * The e2e server sends mail through its ordinary SMTP transport to a real
 * SMTP server that global-setup.ts starts on this port (E2E_SMTP_PORT, by
 * default the server's port + 25); each message lands in MAIL_DIR as JSON,
 * where tests in any worker read it as the recipient would.
 */
export const SMTP_PORT = Number(process.env.E2E_SMTP_PORT ?? Number(process.env.E2E_PORT ?? 3100) + 25);
export const MAIL_DIR = path.join(os.tmpdir(), `portcullis-e2e-mail-${SMTP_PORT}`);

function received(): ReceivedMail[] {
  if (!fs.existsSync(MAIL_DIR)) return [];
  return fs
    .readdirSync(MAIL_DIR)
    .filter((name) => name.endsWith('.json'))
    .sort()
    .map((name) => JSON.parse(fs.readFileSync(path.join(MAIL_DIR, name), 'utf8')) as ReceivedMail);
}

/** How many mails have arrived so far: pass it to `mailTo` to wait for a newer one. */
export function mailCount(): number {
  return received().length;
}

/** The newest mail to `to` whose subject matches (among those after the first `since`), waiting for it to arrive. */
export async function mailTo(to: string, subject: RegExp, since = 0): Promise<ReceivedMail> {
  let found: ReceivedMail | undefined;
  await expect
    .poll(() => {
      found = received()
        .slice(since)
        .filter((mail) => mail.to.includes(to) && subject.test(mail.subject))
        .at(-1);
      return found !== undefined;
    }, { message: `a mail to ${to} with subject ${subject}`, timeout: 15_000 })
    .toBe(true);
  return found!;
}
