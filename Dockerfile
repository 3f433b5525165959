# syntax=docker/dockerfile:1
# Dockpulse image: `docker build -t dockpulse .`, then see compose.yaml and README "Run with Docker".
# test/integration/container-runtime.test.ts repeats the runtime stage without Docker (a clean copy of the
# files copied below, the same production install, the same commands): keep the two in step.
ARG NODE_VERSION=22

# Build stage: every dependency, the SvelteKit build.
FROM node:${NODE_VERSION}-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build

# Runtime stage: production dependencies, the built server, and the TypeScript the worker and the CLIs
# run through tsx (a production dependency), nothing else.
FROM node:${NODE_VERSION}-bookworm-slim AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    BODY_SIZE_LIMIT=Infinity \
    DATA_DIR=/app/data
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/build ./build
COPY migrations ./migrations
COPY jobs ./jobs
COPY scripts ./scripts
COPY src/lib ./src/lib
# The embedded database (used when DATABASE_URL is unset) lives in a volume the non-root user owns.
RUN mkdir -p /app/data && chown node:node /app/data
VOLUME ["/app/data"]
USER node
EXPOSE 3000
# Listening on 0.0.0.0 needs ADMIN_TOKEN: without it the server refuses to start (README "Security").
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# node itself as PID 1 (not npm), so that SIGTERM from `docker stop` reaches the graceful shutdown.
CMD ["node", "build"]
