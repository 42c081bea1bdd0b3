/**
 * BullMQ's job schedulers take "now" from the wall clock of whichever worker handles a tick: the
 * worker computes the next tick from its own Date.now, stamps it with its own time, and promotes
 * delayed jobs when its own clock says they are due. One replica whose clock runs 90 s ahead (the soak,
 * bench/soak-replicas.ts, RELIABILITY.md) labels the next tick 90 s in the future: the ticks between are
 * never created, and the other replicas see that job due only 90 s later. So a replica whose clock
 * disagrees with its peers stops taking scheduled work (its run-check and housekeeping workers pause,
 * its watchdog does not judge) until its clock is back; it keeps delivering notifications, whose pacing
 * is Redis time, and keeps answering commands. It says so on /readyz and in its log.
 */

/** Where replicas compare clocks (RedisClockBoard in src/redis). */
export interface ClockBoard {
  measure(now: () => number): Promise<{ offsetMs: number; rttMs: number; redisMs: number }>;
  /** Publishes this replica's offset; returns the other live replicas' offsets. */
  publish(replicaId: string, offsetMs: number, redisMs: number, maxAgeMs: number): Promise<number[]>;
  remove(replicaId: string): Promise<void>;
}

export interface ClockVerdict {
  /** This replica's clock minus Redis', ms. */
  offsetMs: number;
  /** Median of the other replicas' offsets, when there are any. */
  peersMedianMs?: number;
  peers: number;
  /** This replica's clock is the one that is off: it takes no scheduled work. */
  outlier: boolean;
}

/**
 * A replica is the one that is off when it disagrees both with Redis and with the median of its
 * peers by more than `toleranceMs`. Both, so that a Redis whose own clock is off (every replica
 * "disagrees" with it, but they agree with each other, which is all BullMQ needs) stops nobody, and so
 * that of two replicas that disagree, the one Redis sides with keeps working. A replica alone is never
 * an outlier: with one clock, its ticks are consistent.
 */
export function judgeClock(offsetMs: number, peers: readonly number[], toleranceMs: number): ClockVerdict {
  if (peers.length === 0) return { offsetMs, peers: 0, outlier: false };
  const sorted = [...peers].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  const outlier = Math.abs(offsetMs) > toleranceMs && Math.abs(offsetMs - median) > toleranceMs;
  return { offsetMs, peersMedianMs: median, peers: peers.length, outlier };
}

export interface ClockGuardOptions {
  board: ClockBoard;
  replicaId: string;
  toleranceMs: number;
  intervalMs: number;
  /** The wall clock BullMQ reads in this process (Date.now), passed in so tests can skew it. */
  now: () => number;
  /** Called when the verdict changes: pause (true) or resume (false) the scheduled work. */
  onOutlier(outlier: boolean, verdict: ClockVerdict): Promise<void>;
  log: { warn(fields: object, message: string): void; error(fields: object, message: string): void };
}

/** Resolves when `work` settles or after `ms`, whichever comes first. */
export async function within(work: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    work.catch(() => undefined),
    new Promise((resolve) => {
      timer = setTimeout(resolve, ms);
    }),
  ]);
  clearTimeout(timer);
}

export class ClockGuard {
  private last: ClockVerdict | undefined;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;

  constructor(private readonly o: ClockGuardOptions) {}

  /** The latest verdict (undefined before the first reading). */
  status(): ClockVerdict | undefined {
    return this.last;
  }

  /** One reading: measure, publish, judge; tells `onOutlier` when the verdict flips. */
  async check(): Promise<ClockVerdict> {
    const reading = await this.o.board.measure(this.o.now);
    const peers = await this.o.board.publish(
      this.o.replicaId,
      reading.offsetMs,
      reading.redisMs,
      this.o.intervalMs * 4,
    );
    const verdict = judgeClock(reading.offsetMs, peers, this.o.toleranceMs);
    const was = this.last?.outlier ?? false;
    this.last = verdict;
    if (verdict.outlier !== was) {
      const fields = {
        offsetMs: verdict.offsetMs,
        peersMedianMs: verdict.peersMedianMs,
        peers: verdict.peers,
      };
      if (verdict.outlier)
        this.o.log.error(
          fields,
          `this replica's clock is ${(verdict.offsetMs / 1000).toFixed(1)} s off Redis' and its peers'; it takes no scheduled check runs until it is back within ${this.o.toleranceMs / 1000} s (fix NTP on its node)`,
        );
      else
        this.o.log.warn(fields, "this replica's clock agrees with its peers again; it takes scheduled runs");
      await this.o.onOutlier(verdict.outlier, verdict);
    }
    return verdict;
  }

  /** Checks every `intervalMs`; a failed reading (Redis away) keeps the last verdict. */
  start(): void {
    this.timer = setInterval(() => {
      if (this.running) return;
      this.running = this.check()
        .catch(() => undefined)
        .finally(() => {
          this.running = undefined;
        });
    }, this.o.intervalMs);
    this.timer.unref();
  }

  /** Bounded: with Redis gone, a shutdown must not wait for its reconnects (src/serve/run-serve.ts). */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await within(this.running ?? Promise.resolve(), 1_000);
    await within(
      this.o.board.remove(this.o.replicaId).catch(() => undefined),
      1_000,
    );
  }
}
