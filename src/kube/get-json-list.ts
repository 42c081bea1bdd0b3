import { ApiException, HttpMethod, RequestContext } from '@kubernetes/client-node';
import type { KubeConfig } from '@kubernetes/client-node';
import { sendRefusingRedirects } from './redirect-refusing-http-library.js';

/**
 * GETs one page of a list and hands back its body decoded by `decode` (JSON.parse unless the caller
 * brings a leaner decoder, such as decode-secret-list.ts), without client-node's ObjectSerializer.
 *
 * Why: the generated `list*` methods deserialize every page into typed model objects (a second copy
 * of every Secret, field by field), which cost more than the certificate check itself on a
 * 10,000-Secret scan (BENCHMARKS.md "TLS Secret scan at scale"). Everything else is what the
 * generated methods do: the KubeConfig's own authentication (token, client certificate, exec plugin
 * taken over in take-over-user-auth.ts) and TLS dispatcher, a fresh timeout per request as in
 * make-api-client.ts, redirects and HTML refused by redirect-refusing-http-library.ts, and an
 * ApiException with the same code and body for any non-2xx answer, so explain-kube-error.ts and
 * list-in-pages.ts (410 restart) read it exactly as before. A body that is not JSON must leave as
 * a SyntaxError, as from client-node. The result is not checked here: list-in-pages.ts names
 * whatever arrived without an items list.
 */
export async function getJsonList(
  kc: KubeConfig,
  path: string,
  query: Record<string, string | number | undefined>,
  timeoutMs: number,
  decode: (body: Buffer) => unknown = (body) => JSON.parse(body.toString('utf8')),
  into: BodyBuffer = new BodyBuffer(),
): Promise<unknown> {
  const cluster = kc.getCurrentCluster();
  if (!cluster) throw new Error('KubeConfig has no current cluster');
  const ctx = new RequestContext(cluster.server.replace(/\/+$/, '') + path, HttpMethod.GET);
  ctx.setHeaderParam('Accept', 'application/json');
  ctx.setHeaderParam('User-Agent', 'vigil');
  for (const [name, value] of Object.entries(query)) {
    if (value !== undefined) ctx.setQueryParam(name, String(value));
  }
  ctx.setSignal(AbortSignal.timeout(timeoutMs));
  await kc.applySecurityAuthentication(ctx);
  const resp = await sendRefusingRedirects(ctx);
  if (resp.httpStatusCode === 401) {
    // What the generated methods throw for 401: no body (it would only repeat "Unauthorized").
    await resp.body.stream()?.cancel();
    throw new ApiException(401, 'Unauthorized', undefined, resp.headers);
  }
  if (resp.httpStatusCode < 200 || resp.httpStatusCode > 299) {
    throw new ApiException(
      resp.httpStatusCode,
      'Unknown API Status Code!',
      await resp.body.text(),
      resp.headers,
    );
  }
  return decode(await into.read(resp.body.stream()));
}

/**
 * One buffer that successive pages of a walk are read into, chunk by chunk as they arrive. Why: a
 * body collected whole (fetch's `arrayBuffer()`) keeps every network chunk alive until it is
 * complete, long enough for V8 to promote them to the old generation, where they wait for a full
 * GC; on a 10,000-Secret scan that was 80 MB of dead buffers at the peak. Here each chunk dies young
 * and the walk holds one page's worth of bytes, reused for the next page. The Buffer `read` returns
 * is valid until the next `read`.
 */
export class BodyBuffer {
  private buf = Buffer.alloc(0);

  async read(stream: ReadableStream<Uint8Array> | null): Promise<Buffer> {
    let length = 0;
    if (stream) {
      for await (const chunk of stream) {
        if (length + chunk.length > this.buf.length) {
          const grown = Buffer.allocUnsafe(Math.max(length + chunk.length, this.buf.length * 2, 64 * 1024));
          this.buf.copy(grown, 0, 0, length);
          this.buf = grown;
        }
        this.buf.set(chunk, length);
        length += chunk.length;
      }
    }
    return this.buf.subarray(0, length);
  }
}
