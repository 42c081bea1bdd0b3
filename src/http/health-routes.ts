import type { HttpRoute } from './http-route.js';

/** What `/readyz` reports: Redis reachable, schedulers registered, the watchdog healthy. */
export type ReadinessResult = boolean | { ready: boolean; detail?: string };
export type Readiness = () => ReadinessResult | Promise<ReadinessResult>;

export const healthPath = '/healthz';
export const readinessPath = '/readyz';

/**
 * The probes Kubernetes sends: `/healthz` answers while the process serves HTTP at all (liveness),
 * `/readyz` asks `readiness` (readiness: a replica that cannot reach Redis takes no traffic).
 */
export function healthRoutes(readiness: Readiness): HttpRoute[] {
  return [
    {
      method: 'GET',
      path: healthPath,
      handler: (_req, res) => {
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.end('ok\n');
      },
    },
    {
      method: 'GET',
      path: readinessPath,
      handler: async (_req, res) => {
        const result = await readiness();
        const ready = typeof result === 'boolean' ? result : result.ready;
        const detail = typeof result === 'boolean' ? undefined : result.detail;
        res.writeHead(ready ? 200 : 503, { 'content-type': 'text/plain' });
        res.end(`${ready ? 'ready' : 'not ready'}${detail ? `: ${detail}` : ''}\n`);
      },
    },
  ];
}
