/**
 * Remembers that something was seen, for a while, across every replica: the first caller with a
 * key gets true, every later one false until the key expires. Chat adapters use it to act once on a
 * request that may arrive twice (a captured signed request sent again within its signature window).
 * src/redis/redis-replay-guard.ts implements it.
 */
export interface ReplayGuard {
  /** True the first time `key` is seen within `ttlSeconds`; atomic, so two replicas never both get true. */
  firstTime(key: string, ttlSeconds: number): Promise<boolean>;
}
