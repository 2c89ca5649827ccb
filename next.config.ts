import type { NextConfig } from 'next';

const nextConfig: NextConfig = {
  // Packages that must run as plain Node modules rather than be bundled:
  // PGlite ships WASM and data files, pino spawns worker threads, Jackson is huge.
  serverExternalPackages: [
    '@electric-sql/pglite',
    '@electric-sql/pglite-socket',
    'pino',
    'pg',
    '@prisma/schema-engine-wasm',
    'prom-client',
    '@opentelemetry/sdk-node',
    // SSO: Jackson pulls in TypeORM and every database driver; the IdP side ships an emscripten xmllint.
    '@boxyhq/saml-jackson',
    '@boxyhq/saml20',
    'openid-client',
    'samlify',
    '@authenio/samlify-node-xmllint',
    'node-forge',
  ],
  poweredByHeader: false,
  // The App Router does not route dot-folders such as app/.well-known.
  async rewrites() {
    return [{ source: '/.well-known/jwks.json', destination: '/api/v1/licenses/jwks' }];
  },
  reactStrictMode: true,
  experimental: {
    serverActions: { bodySizeLimit: '2mb' },
  },
};

export default nextConfig;
