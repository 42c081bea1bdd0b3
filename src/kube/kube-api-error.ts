/**
 * A non-2xx answer of the API server, as kube-client.ts hands it over: the status, and the body
 * (a `Status` object as JSON, or whatever a proxy sent) which explain-kube-error.ts reads for the
 * server's message and never quotes unless it is JSON. A 401 carries no body: it would only repeat
 * "Unauthorized".
 */
export class KubeApiError extends Error {
  constructor(
    readonly code: number,
    readonly body: string | undefined,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(`HTTP ${code} from the Kubernetes API`);
    this.name = 'KubeApiError';
  }
}

/** The HTTP status of a failed request, when the API server answered one. */
export function kubeStatusOf(err: unknown): number | undefined {
  return err instanceof KubeApiError ? err.code : undefined;
}
