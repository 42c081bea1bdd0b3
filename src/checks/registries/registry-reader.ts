/**
 * The port the registry check reads a cluster through (implemented in src/kube). Plain data only.
 * Placeholder shape: the registry check defines what it needs here.
 */
export interface RegistryReader {
  images(): Promise<unknown[]>;
}
