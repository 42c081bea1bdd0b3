import type { ChatPlatformName } from '../../src/domain/alert.js';
import type { NotifyOutcome } from './notify.js';

/** What one attempt of a notify job came to. */
export interface NotifyAttempt {
  platform: ChatPlatformName;
  /**
   * `posted`, `adopted`, `updated`: delivered; `skipped`: nothing to do; `failed`: a permanent chat
   * error; `waiting`: put back to wait (`wait` says why); `error`: anything else (BullMQ retries).
   */
  outcome: 'posted' | 'adopted' | 'updated' | 'skipped' | 'failed' | 'waiting' | 'error';
  /**
   * `rate-limited` is the platform's 429; `order`, `pacing` and `outage` are vigil's own waits;
   * `held`: the destination is not registered with the platform yet (a Teams conversation).
   */
  wait?: 'order' | 'pacing' | 'rate-limited' | 'outage' | 'held';
}

/** Told about every notify attempt (src/metrics counts outcomes and 429s per platform). */
export interface NotifyObserver {
  attempted(attempt: NotifyAttempt): void;
}

export function notifyAttempt(platform: ChatPlatformName, outcome: NotifyOutcome | 'error'): NotifyAttempt {
  if (outcome === 'error') return { platform, outcome: 'error' };
  switch (outcome.kind) {
    case 'delivered':
      return { platform, outcome: outcome.action };
    case 'skipped':
      return { platform, outcome: 'skipped' };
    case 'failed':
      return { platform, outcome: 'failed' };
    case 'wait':
      return { platform, outcome: 'waiting', wait: outcome.reason };
  }
}
