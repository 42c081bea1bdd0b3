# vigil's container image. `vigil serve` (the bot) by default; any other command replaces the CMD:
#   docker build -t registry.example.com/vigil:0.1.0 .
#   docker run --rm -p 3000:3000 --env-file .env -v "$PWD/vigil.yaml:/etc/vigil/vigil.yaml:ro" registry.example.com/vigil:0.1.0
#   docker run --rm -v ... registry.example.com/vigil:0.1.0 check --config /etc/vigil/vigil.yaml
# Kubernetes: deploy/helm/vigil (or deploy/manifests) mounts the config at /etc/vigil/vigil.yaml.
FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# npm install keeps the locked versions; see scripts/ensure-install.mjs for why not npm ci.
RUN npm install --no-audit --no-fund
COPY . .
# Compile to dist/, then drop the devDependencies (TypeScript, tsx, vitest, the `node` package's own
# Node binary): the runtime stage gets production dependencies only.
RUN npm run build && npm prune --omit=dev

FROM node:24-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/bin ./bin
# The base image's `node` user, by number: Kubernetes' runAsNonRoot can only verify a numeric user.
USER 1000:1000
# PORT: Slack /slack/events, Teams /api/messages, /healthz, /readyz, /metrics.
EXPOSE 3000
# For docker and compose (Kubernetes uses the chart's probes instead). The slim image has no curl:
# node's fetch asks /healthz on the loopback, or on HOST when vigil listens on one address only.
# The start period is the chart's startupProbe budget (5 s x 24).
HEALTHCHECK --interval=30s --timeout=5s --start-period=120s --retries=3 \
  CMD ["node", "-e", "const h = process.env.HOST; const host = !h || h === '0.0.0.0' || h === '::' ? '127.0.0.1' : h.includes(':') ? '[' + h + ']' : h; fetch('http://' + host + ':' + (process.env.PORT || 3000) + '/healthz', { signal: AbortSignal.timeout(4000) }).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# Same node flags as bin/vigil.js: flat peak memory on large clusters (BENCHMARKS.md). Node runs as
# PID 1; `vigil serve` handles SIGTERM itself and drains (HTTP, then workers, then Redis).
ENTRYPOINT ["node", "--max-semi-space-size=1", "--heap-growing-percent=50", "/app/bin/vigil.js"]
CMD ["serve", "--config", "/etc/vigil/vigil.yaml"]
