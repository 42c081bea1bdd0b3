import { createConfiguration, ServerConfiguration } from '@kubernetes/client-node';
import type {
  ApiType,
  Configuration,
  KubeConfig,
  RequestContext,
  ResponseContext,
} from '@kubernetes/client-node';
import { redirectRefusingHttpLibrary } from './redirect-refusing-http-library.js';

const httpApi = redirectRefusingHttpLibrary();

/**
 * `kc.makeApiClient` has no request timeout: client-node 2.x calls undici `fetch` with whatever
 * AbortSignal the RequestContext carries, and nothing sets one, so a silent API server hangs a check
 * forever. We build the same configuration `makeApiClient` builds, plus a middleware that stamps a fresh
 * `AbortSignal.timeout()` on every request (it bounds connect, TLS, headers and body alike). The
 * KubeConfig must be dedicated to one context: its auth reads the *current* context on every request.
 * Requests go through redirect-refusing-http-library.ts, so no answer comes from another origin.
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
    httpApi,
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
