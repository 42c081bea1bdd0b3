/**
 * The API server answered with a redirect that leaves its origin. Following it would send the next
 * request (and trust its answer) to a host the kubeconfig never named; see redirect-refusing-fetch.ts.
 */
export class KubeRedirectError extends Error {
  constructor(
    readonly status: number,
    /** The Location header, resolved against the request URL and clipped for display. */
    readonly location: string,
    /** scheme://host:port of the API server the request went to. */
    readonly origin: string,
  ) {
    super(`redirect (HTTP ${status}) from ${origin} to ${location} not followed`);
    this.name = 'KubeRedirectError';
  }
}
