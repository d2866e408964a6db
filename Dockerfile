# syntax=docker/dockerfile:1
# One image, two commands: the server (default) and the Ponder indexer.
#   docker build --build-arg NETWORK=<name> -t refcodes:<version> .
#   docker run ... refcodes:<version>                           # server on :8787 (/healthz, /readyz)
#   docker run ... refcodes:<version> node scripts/indexer.ts   # indexer on :42069 (/health, /ready)
# NETWORK names the committed deployments/<NETWORK>.json: the app is built for that deployment
# (its addresses are compiled into the browser bundle), so an image serves one deployment.
# linux/amd64 only: the lock file pins x64 builds of embedded PostgreSQL, anvil and forge.
ARG NODE_IMAGE=node:22-bookworm-slim

FROM --platform=linux/amd64 ${NODE_IMAGE} AS build
WORKDIR /app
# Dependencies first: this layer is reused until the lock file changes.
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json hardhat.config.ts remappings.txt ponder.config.ts ./
COPY contracts ./contracts
COPY deployments ./deployments
COPY scripts ./scripts
COPY server ./server
COPY indexer ./indexer
COPY app ./app
ARG NETWORK
RUN test -n "$NETWORK" || { echo "build with --build-arg NETWORK=<name> (deployments/<name>.json)"; exit 1; }; \
    test -f "deployments/$NETWORK.json" || { echo "no deployments/$NETWORK.json: deploy first and commit it"; exit 1; }
# Contracts (Hardhat with solcjs, offline) and deployments/abi.ts, then the browser app.
RUN npm run build && NETWORK="$NETWORK" npm run build:app
# The server and the indexer run TypeScript with Node's type stripping: no compile step, and
# only production dependencies at run time (ponder included).
RUN npm prune --omit=dev --no-audit --no-fund

FROM --platform=linux/amd64 ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=8787 \
    INDEXER_PORT=42069 \
    PONDER_TELEMETRY_DISABLED=true
WORKDIR /app
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/tsconfig.json /app/ponder.config.ts ./
COPY --from=build /app/deployments ./deployments
COPY --from=build /app/scripts ./scripts
COPY --from=build /app/server ./server
COPY --from=build /app/app/dist ./app/dist
# Ponder writes its build cache and generated GraphQL schema under indexer/.
COPY --from=build --chown=node:node /app/indexer ./indexer
USER node
EXPOSE 8787 42069
# The server's liveness; an indexer container checks Ponder's /health instead (see deploy/k8s).
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.PORT}/healthz`).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "server/main.ts"]
