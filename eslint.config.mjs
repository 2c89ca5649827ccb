import { defineConfig, globalIgnores } from 'eslint/config';
import nextVitals from 'eslint-config-next/core-web-vitals';
import nextTs from 'eslint-config-next/typescript';

/**
 * The layers of lib/ (ARCHITECTURE.md): each may import only the layers below
 * it, and nothing in the product (lib/, app/, components/) imports the dev
 * tooling in dev/ or the browser tests in e2e/. Tests may reach anywhere.
 */
const LAYERS = ['platform', 'plans', 'identity', 'product', 'entry'];
const TESTS = ['**/*.test.ts', '**/*.test.tsx'];
const DEV_TOOLING = [
  { group: ['@/dev/*', '@/e2e/*'], message: 'dev/ and e2e/ are test and demo tooling: product code never imports them.' },
  { group: ['../../*'], message: 'Import across folders with the @/ alias, so the layer rule can see it.' },
];
/**
 * Typed input seams: form, route and CLI input reaches a service through the
 * service's own schema, so nothing casts between them. `as never` is refused
 * in all product code; `as unknown as` in the seams themselves.
 */
const AS_NEVER = {
  selector: 'TSAsExpression > TSNeverKeyword.typeAnnotation',
  message: '`as never` hides a type mismatch: parse the input with the schema the service takes (or write the right type).',
};
const AS_UNKNOWN_AS = {
  selector: 'TSAsExpression > TSAsExpression.expression > TSUnknownKeyword.typeAnnotation',
  message: 'No `as unknown as` where input enters: parse it with the schema the service takes.',
};
const SEAMS = ['app/**/actions.ts', 'app/**/route.ts', 'lib/**/actions.ts', 'lib/entry/cli/**/*.ts'];
/**
 * One environment: product code reads variables with env(NAME) from
 * lib/platform/config/env.ts, where each is declared, validated and
 * documented (README lists the same). Only these files touch process.env,
 * each for its reason. (None is a seam; one that were would need AS_UNKNOWN_AS
 * kept below, since a later entry replaces the rule's options.)
 */
const PROCESS_ENV = {
  selector: "MemberExpression[object.name='process']:matches([property.name='env'], [property.value='env'])",
  message: "Read environment variables with env('NAME') from '@/lib/platform/config/env' (declare a new one there, with its schema, and in README).",
};
const PROCESS_ENV_ALLOWED = {
  'lib/platform/config/env.ts': 'the module that reads them',
  'lib/platform/config/secrets.ts': 'writes generated secrets into process.env at start, for env() and child processes',
  'lib/platform/db/connect.ts': "writes the embedded database's DATABASE_URL into process.env, for env() and child processes",
  'lib/entry/server/start.ts': 'writes PORT once the served port is known, so publicUrl() and child processes see it',
};

const layerRules = LAYERS.map((layer, index) => ({
  files: [`lib/${layer}/**/*.{ts,tsx}`],
  ignores: TESTS,
  rules: {
    'no-restricted-imports': [
      'error',
      {
        patterns: [
          ...LAYERS.slice(index + 1).map((above) => ({
            group: [`@/lib/${above}/*`],
            message: `lib/${layer} is below lib/${above}: imports point down only (${LAYERS.join(' < ')}).`,
          })),
          { group: ['@/app/*', '@/components/*'], message: 'lib/ is below the pages and components that use it.' },
          ...DEV_TOOLING,
        ],
      },
    ],
  },
}));

export default defineConfig([
  ...nextVitals,
  ...nextTs,
  globalIgnores(['.next/**', 'node_modules/**', 'lib/platform/db/generated/**', '.data/**', '.build/**', 'tmp/**', 'test-results/**', 'playwright-report/**', 'next-env.d.ts']),
  ...layerRules,
  {
    files: ['app/**/*.{ts,tsx}', 'components/**/*.{ts,tsx}'],
    ignores: TESTS,
    rules: { 'no-restricted-imports': ['error', { patterns: [DEV_TOOLING[0]] }] },
  },
  {
    files: ['app/**/*.{ts,tsx}', 'lib/**/*.{ts,tsx}', 'components/**/*.{ts,tsx}'],
    ignores: TESTS,
    rules: { 'no-restricted-syntax': ['error', AS_NEVER, PROCESS_ENV] },
  },
  {
    files: SEAMS,
    ignores: TESTS,
    rules: { 'no-restricted-syntax': ['error', AS_NEVER, AS_UNKNOWN_AS, PROCESS_ENV] },
  },
  {
    files: Object.keys(PROCESS_ENV_ALLOWED),
    rules: { 'no-restricted-syntax': ['error', AS_NEVER] },
  },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
]);
