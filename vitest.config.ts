import path from 'node:path';
import { defineConfig } from 'vitest/config';

const root = import.meta.dirname;

export default defineConfig({
  resolve: {
    alias: {
      '@/': `${root}/`,
      // The test process is the server.
      'server-only': path.join(root, 'dev/testing/empty.ts'),
    },
  },
  test: {
    env: {
      NODE_ENV: 'test',
      AUTH_SECRET: 'test-auth-secret-not-for-production',
      TOKEN_HASH_SECRET: 'test-token-hash-secret',
      ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64'),
    },
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['lib/**/*.test.ts', 'components/**/*.test.{ts,tsx}', 'app/**/*.test.ts', 'scripts/**/*.test.ts', 'deploy/**/*.test.ts', 'dev/**/*.test.ts'],
          exclude: ['**/*.db.test.ts', 'node_modules/**'],
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['**/*.db.test.ts'],
          exclude: ['node_modules/**'],
          globalSetup: ['dev/testing/global-db.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
