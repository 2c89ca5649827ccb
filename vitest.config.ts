import path from 'node:path';
import { defineConfig } from 'vitest/config';
import { TEST_SECRETS } from './lib/testing/test-secrets';

const root = import.meta.dirname;

export default defineConfig({
  resolve: {
    alias: {
      '@/': `${root}/`,
      // The test process is the server.
      'server-only': path.join(root, 'lib/testing/empty.ts'),
    },
  },
  test: {
    env: {
      NODE_ENV: 'test',
      ...TEST_SECRETS,
    },
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['lib/**/*.test.ts', 'components/**/*.test.{ts,tsx}', 'app/**/*.test.ts', 'scripts/**/*.test.ts', 'deploy/**/*.test.ts'],
          exclude: ['**/*.db.test.ts', 'node_modules/**'],
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['**/*.db.test.ts'],
          exclude: ['node_modules/**'],
          globalSetup: ['lib/testing/global-db.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
