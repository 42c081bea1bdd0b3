import type { ReplayGuard } from '../../src/chat/replay-guard.js';

/** ReplayGuard in memory, with the contract's semantics: first caller per key wins until it expires. */
export class MemoryReplayGuard implements ReplayGuard {
  private readonly seen = new Map<string, number>();

  constructor(private readonly nowMs: () => number = Date.now) {}

  async firstTime(key: string, ttlSeconds: number): Promise<boolean> {
    await Promise.resolve();
    const until = this.seen.get(key);
    if (until !== undefined && until > this.nowMs()) return false;
    this.seen.set(key, this.nowMs() + ttlSeconds * 1000);
    return true;
  }

  get size(): number {
    return this.seen.size;
  }
}
