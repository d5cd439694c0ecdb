# syntax=docker/dockerfile:1
# The Marquee server as a container image (docs/production.md). Three stages:
#   build    all dependencies (install scripts off: nothing native is needed to bundle),
#            then scripts/build-server.mjs bundles server/ + protocol/ into one ES module;
#   deps     production dependencies only (npm ci --omit=dev), native modules built here;
#   runtime  the bundle + those node_modules on a slim Node, as the unprivileged `node` user.
# Build: docker build -t marquee-server .   Checked by test/install/dockerfile.test.ts (no
# Docker daemon or hadolint on the development machines; see docs/production.md).
#
# Node 22 LTS: Node 20 left support in April 2026. The tests run on the Node in .ci/run;
# --build-arg NODE_VERSION=20 builds on that one. Pin a digest (node:22-bookworm-slim@sha256:…)
# in your own registry for reproducible images.
ARG NODE_VERSION=22

FROM node:${NODE_VERSION}-bookworm-slim AS build
WORKDIR /src
ENV ELECTRON_SKIP_BINARY_DOWNLOAD=1
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json ./
COPY protocol ./protocol
COPY server/src ./server/src
COPY scripts/build-server.mjs ./scripts/build-server.mjs
RUN node scripts/build-server.mjs

FROM node:${NODE_VERSION}-bookworm-slim AS deps
WORKDIR /app
# better-sqlite3 downloads a prebuilt binary; these build it from source where there is none.
RUN apt-get update \
  && apt-get install -y --no-install-recommends python3 make g++ \
  && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

FROM node:${NODE_VERSION}-bookworm-slim AS runtime
ENV NODE_ENV=production \
    PORT=4000 \
    MARQUEE_DATA_DIR=/var/lib/marquee
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /src/dist/server ./dist/server
COPY package.json ./
# The SQLite file (when DATABASE_URL is unset) and other server data; owned by `node` (uid 1000).
RUN mkdir -p /var/lib/marquee && chown node:node /var/lib/marquee
VOLUME ["/var/lib/marquee"]
USER node
# 4000: HTTP + Socket.IO (TLS at the load balancer). 1883: only the embedded broker, when
# MQTT_URL is unset (production uses Mosquitto instead).
EXPOSE 4000 1883
# /healthz: 200 when the database and the broker answer, 503 otherwise. Node's fetch: the slim
# image has no curl.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 4000) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# SIGTERM: the server flushes pending writes, closes the broker link and the database.
STOPSIGNAL SIGTERM
CMD ["node", "dist/server/marquee-server.mjs"]
