import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { env } from './env';

/**
 * The server secrets. In production each must come from the environment; on
 * a developer's machine (the embedded database) missing ones are generated
 * once into .data/secrets.json so `npm run demo` needs no setup.
 */
export const SECRET_NAMES = ['AUTH_SECRET', 'TOKEN_HASH_SECRET', 'ENCRYPTION_KEY'] as const;
export type SecretName = (typeof SECRET_NAMES)[number];

const DESCRIPTIONS: Record<SecretName, string> = {
  AUTH_SECRET: 'signs session cookies',
  TOKEN_HASH_SECRET: 'keys the HMAC under which registry tokens and invitation links are stored',
  ENCRYPTION_KEY: '32 bytes, base64: encrypts upstream credentials, signing keys and webhook secrets (AES-256-GCM)',
};

function generate(name: SecretName): string {
  return randomBytes(32).toString(name === 'ENCRYPTION_KEY' ? 'base64' : 'base64url');
}

/**
 * Fills process.env with any missing secret; call once at process start. It writes process.env (allow-listed
 * in eslint.config.mjs) so that every later env() read, and every child process, sees the same secrets.
 */
export function ensureSecrets(options: { allowGenerated: boolean; file?: string }): void {
  const missing = SECRET_NAMES.filter((name) => !env(name));
  if (missing.length === 0) return;
  if (!options.allowGenerated) {
    throw new Error(
      `Missing required environment variables:\n${missing.map((name) => `  ${name}: ${DESCRIPTIONS[name]}`).join('\n')}`,
    );
  }
  const file = options.file ?? path.resolve(path.dirname(env('PORTCULLIS_DATA_DIR')), 'secrets.json');
  let stored: Partial<Record<SecretName, string>> = {};
  try {
    stored = JSON.parse(fs.readFileSync(/* turbopackIgnore: true */ file, 'utf8')) as typeof stored;
  } catch {
    // first run
  }
  let changed = false;
  for (const name of missing) {
    if (!stored[name]) {
      stored[name] = generate(name);
      changed = true;
    }
    process.env[name] = stored[name];
  }
  if (changed) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, `${JSON.stringify(stored, null, 2)}\n`, { mode: 0o600 });
  }
}

export function secret(name: SecretName): string {
  const value = env(name);
  if (!value) throw new Error(`${name} is not set (${DESCRIPTIONS[name]})`);
  return value;
}
