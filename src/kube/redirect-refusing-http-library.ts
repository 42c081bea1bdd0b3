import { ResponseContext, wrapHttpLibrary } from '@kubernetes/client-node';
import type { HttpLibrary, RequestContext } from '@kubernetes/client-node';
// client-node's own fetch (its dependency, hoisted): the dispatcher it builds for TLS and client
// certificates is an undici 8 Agent, which Node's built-in fetch is not guaranteed to accept.
import { fetch } from 'undici';
import { KubeRedirectError } from './kube-redirect-error.js';
import { KubeResponseError } from './kube-response-error.js';

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
const MAX_SAME_ORIGIN_REDIRECTS = 5;

/**
 * client-node's IsomorphicFetchHttpLibrary calls fetch with the default `redirect: 'follow'`, so an API
 * server (or anything answering its URL) could send vigil's next request to another host, even plain
 * HTTP, and have its answer taken as the cluster's: a 302 on the Secrets list to an empty list made every
 * TLS Secret vanish without a word. This is the same library with `redirect: 'manual'`: redirects within
 * the API server's origin (scheme, host and port) are followed a few times, any other ends the request
 * with a KubeRedirectError naming where it pointed. A successful answer in HTML (a login page, a
 * proxy's portal) ends it too: kube-apiserver never sends one.
 */
export function redirectRefusingHttpLibrary(): HttpLibrary {
  return wrapHttpLibrary({ send: sendRefusingRedirects });
}

/** The library's one request, for callers that build their RequestContext themselves (get-json-list.ts). */
export async function sendRefusingRedirects(request: RequestContext): Promise<ResponseContext> {
  let url = request.getUrl();
  const origin = new URL(url).origin;
  for (let hop = 0; ; hop += 1) {
    const resp = await fetch(url, {
      method: request.getHttpMethod().toString(),
      body: request.getBody() as string | undefined,
      headers: request.getHeaders(),
      signal: request.getSignal() ?? null,
      dispatcher: request.getDispatcher(),
      redirect: 'manual',
    });
    if (REDIRECT_STATUSES.has(resp.status)) {
      const location = resp.headers.get('location');
      await resp.body?.cancel();
      const target = location ? resolve(location, url) : undefined;
      if (!target || target.origin !== origin) {
        throw new KubeRedirectError(resp.status, display(target, location), origin);
      }
      if (hop >= MAX_SAME_ORIGIN_REDIRECTS) {
        throw new KubeResponseError(`more than ${MAX_SAME_ORIGIN_REDIRECTS} redirects within ${origin}`);
      }
      url = target.href;
      continue;
    }
    // client-node would read an HTML page as an empty object ("page.items is not iterable" later).
    if (resp.ok && /^\s*text\/html/i.test(resp.headers.get('content-type') ?? '')) {
      await resp.body?.cancel();
      throw new KubeResponseError('an HTML page (Content-Type text/html)');
    }
    const headers: Record<string, string> = {};
    resp.headers.forEach((value, name) => {
      headers[name] = value;
    });
    return new ResponseContext(resp.status, headers, {
      text: () => resp.text(),
      binary: async () => Buffer.from(await resp.arrayBuffer()),
      stream: () => resp.body as ReadableStream<Uint8Array> | null,
    });
  }
}

function resolve(location: string, base: string): URL | undefined {
  try {
    return new URL(location, base);
  } catch {
    return undefined;
  }
}

/** The target as the finding shows it: without any user:password part, and short. */
function display(target: URL | undefined, raw: string | null): string {
  if (!target) return raw ? `an unparsable location (${raw.length} characters)` : 'no location';
  const shown = new URL(target.href);
  shown.username = '';
  shown.password = '';
  const text = shown.href;
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}
