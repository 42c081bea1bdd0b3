# Minimal image for `vigil check`; shipping (Helm chart, multi-arch, non-root hardening) comes later.
FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
COPY scripts ./scripts
# npm install keeps the locked versions; see scripts/ensure-install.mjs for why not npm ci.
RUN npm install --no-audit --no-fund
COPY . .
RUN npm run build && npm prune --omit=dev

FROM node:24-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/bin ./bin
USER node
# Same node flags as bin/vigil.js: flat peak memory on large clusters (BENCHMARKS.md).
ENTRYPOINT ["node", "--max-semi-space-size=1", "--expose-gc", "bin/vigil.js"]
CMD ["check", "--config", "/etc/vigil/vigil.yaml"]
