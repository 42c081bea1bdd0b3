import { createConfiguration, ServerConfiguration } from '@kubernetes/client-node';
import type {
  ApiType,
  Configuration,
  KubeConfig,
  RequestContext,
  ResponseContext,
} from '@kubernetes/client-node';

/**
 * `kc.makeApiClient` has no request timeout: client-node 2.x calls undici `fetch` with whatever
 * AbortSignal the RequestContext carries, and nothing sets one, so a silent API server hangs a check
 * forever. We build the same configuration `makeApiClient` builds, plus a middleware that stamps a fresh
 * `AbortSignal.timeout()` on every request (it bounds connect, TLS, headers and body alike). The
 * KubeConfig must be dedicated to one context: its auth reads the *current* context on every request.
 */
export function makeApiClient<T extends ApiType>(
  kc: KubeConfig,
  apiClass: new (config: Configuration) => T,
  timeoutMs: number,
): T {
  const cluster = kc.getCurrentCluster();
  if (!cluster) throw new Error('KubeConfig has no current cluster');
  const config = createConfiguration({
    baseServer: new ServerConfiguration(cluster.server, {}),
    authMethods: { default: kc },
    promiseMiddleware: [
      {
        pre: (ctx: RequestContext) => {
          ctx.setSignal(AbortSignal.timeout(timeoutMs));
          ctx.setHeaderParam('User-Agent', 'vigil');
          return Promise.resolve(ctx);
        },
        post: (rsp: ResponseContext) => Promise.resolve(rsp),
      },
    ],
  });
  return new apiClass(config);
}
