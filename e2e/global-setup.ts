import fs from 'node:fs';
import path from 'node:path';
import { startMailSink } from '@/dev/testing/mail-sink';
import { MAIL_DIR, SMTP_PORT } from './mailbox';

/** The mailbox every e2e recipient shares: a real SMTP server the e2e server delivers to (see mailbox.ts). */
export default async function globalSetup() {
  fs.rmSync(MAIL_DIR, { recursive: true, force: true });
  fs.mkdirSync(MAIL_DIR, { recursive: true });
  let received = 0;
  const sink = await startMailSink({
    port: SMTP_PORT,
    onMessage: (mail) => {
      const name = `${String(++received).padStart(6, '0')}.json`;
      fs.writeFileSync(path.join(MAIL_DIR, `${name}.tmp`), JSON.stringify(mail));
      fs.renameSync(path.join(MAIL_DIR, `${name}.tmp`), path.join(MAIL_DIR, name));
    },
  });
  return async () => {
    await sink.close();
    fs.rmSync(MAIL_DIR, { recursive: true, force: true });
  };
}
