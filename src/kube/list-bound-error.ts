/** Which safety bound stopped a paginated list (see list-in-pages.ts). */
export type ListBound = 'repeated-continue-token' | 'max-pages' | 'max-items' | 'max-duration';

/**
 * A paginated list that never ended and was stopped by one of its bounds. The message completes
 * "listing secrets on cluster X stopped: ..." and names the bound; explain-kube-error.ts adds the list
 * and the cluster.
 */
export class ListBoundError extends Error {
  constructor(
    readonly bound: ListBound,
    message: string,
  ) {
    super(message);
    this.name = 'ListBoundError';
  }
}
