/**
 * The port the StatefulSet check reads a cluster through (implemented in src/kube). Plain data only.
 * Placeholder shape: the StatefulSet check defines what it needs here.
 */
export interface StatefulSetReader {
  statefulSets(): Promise<unknown[]>;
}
