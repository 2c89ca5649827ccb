/**
 * The secrets every test process uses: vitest's workers and the e2e server
 * share one database in CI, so anything one seals (signing keys, upstream
 * credentials) the other must be able to open.
 */
export const TEST_SECRETS = {
  AUTH_SECRET: 'test-auth-secret-not-for-production',
  TOKEN_HASH_SECRET: 'test-token-hash-secret',
  ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64'),
};
