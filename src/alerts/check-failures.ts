export interface CheckFailure {
  at: string;
  message: string;
}

/**
 * The last failure of each check job, keyed `cluster/check` (Redis: src/redis/redis-check-failures.ts):
 * the run-check worker records them, the watchdog says why checks stopped.
 */
export interface CheckFailures {
  record(cluster: string, check: string, failure: CheckFailure): Promise<void>;
  all(): Promise<Map<string, CheckFailure>>;
}
