import type http from 'node:http';
import type https from 'node:https';
import type { RegistryChallenge } from './registry-challenge.js';
import type { RegistryProbeOptions } from './registry-probe-options.js';
import type { RegistryFailure, RegistryProbeResult } from './registry-probe-result.js';

/** Everything a probe stage needs to report and to make the next request. */
export interface ProbeState {
  opts: RegistryProbeOptions;
  /** `https://host:port` (or http for insecure registries). */
  base: string;
  /** Absolute time by which the whole probe must be done. */
  deadline: number;
  /** System roots plus the registry's CA, or undefined for Node's defaults. */
  ca: string[] | undefined;
  /** Keep-alive agents shared by this probe's requests; destroyed when the probe ends. */
  agents: { http: http.Agent; https: https.Agent };
  /** Set by `GET /v2/` when it answered 401 with a usable challenge. */
  challenge?: RegistryChallenge;
  result: RegistryProbeResult;
}

/** Records the first failing stage; returns false so stages chain with `&&`. */
export function fail(state: ProbeState, failure: RegistryFailure): false {
  state.result.failure = failure;
  return false;
}

export function remaining(state: ProbeState): number {
  return Math.max(1, state.deadline - Date.now());
}

/**
 * The rate-limit headers registries send with a 429 or a HEAD (Docker Hub: `ratelimit-remaining:
 * 0;w=21600`), as an evidence suffix such as ` (ratelimit-remaining 0;w=21600, retry-after 60)`.
 */
export function rateLimitText(headers: Record<string, string | string[] | undefined>): string {
  const parts = ['ratelimit-remaining', 'ratelimit-limit', 'retry-after']
    .map((h) => (typeof headers[h] === 'string' ? `${h} ${headers[h]}` : ''))
    .filter(Boolean);
  return parts.length ? ` (${parts.join(', ')})` : '';
}
