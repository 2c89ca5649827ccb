# syntax=docker/dockerfile:1.7
# Portcullis production image: the portal, API and /v2/ registry gateway on
# one port, plus the `portcullis` CLI (migrations, retention, verify).
#
#   docker build -t portcullis .
#   docker run -p 3000:3000 -e DATABASE_URL=... -e AUTH_SECRET=... -e TOKEN_HASH_SECRET=... -e ENCRYPTION_KEY=... portcullis
#
# Not Next's `output: 'standalone'` server.js: the process is our custom
# server (lib/entry/server/start.ts), because it also answers /v2/ on the same port
# (raw node:http: container clients need what Next's handlers strip), applies
# migrations and runs the SIEM and retention jobs. Its dependencies (tsx, pg,
# the Prisma schema engine, PGlite for the CLI) are outside Next's file
# trace, so the runtime gets a production-only `npm ci` plus the build's .next.

ARG NODE_IMAGE=node:20.20-bookworm-slim

# ---- dependencies for building (dev dependencies included) ----
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
ENV CHECKPOINT_DISABLE=1 NEXT_TELEMETRY_DISABLED=1
COPY package.json package-lock.json ./
# postinstall runs `prisma generate`, whose config (prisma.config.ts) loads lib/platform/db and scripts/.
COPY prisma ./prisma
COPY prisma.config.ts tsconfig.json ./
COPY scripts ./scripts
COPY lib ./lib
RUN npm ci --no-audit --no-fund

# ---- the Next.js production build ----
FROM deps AS build
COPY . .
ENV NODE_ENV=production
RUN npm run build && rm -rf .next/cache

# ---- production-only node_modules ----
FROM ${NODE_IMAGE} AS prod-deps
WORKDIR /app
ENV CHECKPOINT_DISABLE=1
COPY package.json package-lock.json ./
COPY prisma ./prisma
COPY prisma.config.ts tsconfig.json ./
COPY scripts ./scripts
COPY lib ./lib
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

# ---- runtime ----
FROM ${NODE_IMAGE} AS runtime
WORKDIR /app
ENV NODE_ENV=production NEXT_TELEMETRY_DISABLED=1 CHECKPOINT_DISABLE=1 \
    PORT=3000 HOSTNAME=0.0.0.0 AUDIT_ARCHIVE_DIR=/var/lib/portcullis/audit-archive \
    HOME=/tmp NPM_CONFIG_CACHE=/tmp/.npm
# The portal serves /v2/ as well: keep glibc from giving streamed layers' freed
# read buffers back to the kernel only to fault them in again (GATEWAY_ENV in
# scripts/build-gateway.mjs; about 5x less CPU per GB in `npm run bench gateway`).
ENV MALLOC_TRIM_THRESHOLD_=134217728
RUN apt-get update && apt-get install -y --no-install-recommends tini ca-certificates && rm -rf /var/lib/apt/lists/* \
  && groupadd --system --gid 10001 portcullis && useradd --system --uid 10001 --gid portcullis --home /app portcullis \
  && mkdir -p /var/lib/portcullis/audit-archive && chown -R portcullis:portcullis /var/lib/portcullis
COPY --from=prod-deps --chown=root:root /app/node_modules ./node_modules
COPY --from=build --chown=root:root /app/.next ./.next
COPY --from=build --chown=root:root /app/lib/platform/db/generated ./lib/platform/db/generated
COPY --chown=root:root package.json package-lock.json next.config.ts tsconfig.json prisma.config.ts instrumentation.ts ./
COPY --chown=root:root public ./public
COPY --chown=root:root prisma ./prisma
COPY --chown=root:root scripts ./scripts
COPY --chown=root:root lib ./lib
COPY --chown=root:root components ./components
COPY --chown=root:root app ./app
USER 10001:10001
EXPOSE 3000
HEALTHCHECK --interval=15s --timeout=3s --start-period=30s CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/api/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["node", "scripts/run.mjs", "scripts/server.ts"]
