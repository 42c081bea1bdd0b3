/** What the fake does instead of answering normally. */
export type FakeFault =
  /** HTTP 429 with Retry-After (omit the header with `retryAfterSeconds: null`). */
  | { kind: 'rate-limited'; retryAfterSeconds?: number | null }
  /** A bare HTTP status such as 500, 502, 503. */
  | { kind: 'status'; status: number }
  /** HTTP 200 `{ ok: false, error }`, Slack's way of failing a call. */
  | { kind: 'error'; error: string }
  /** Waits before answering normally (or before the next matching fault). */
  | { kind: 'slow'; delayMs: number };

export interface FaultRule {
  fault: FakeFault;
  /** Web API method (`chat.postMessage`), or `response_url` for posts to the hooks path; any when omitted. */
  method?: string;
  /** Only calls about this channel (the `channel` argument). */
  channel?: string;
  /** How many matching calls it affects; unlimited when omitted. */
  times?: number;
}

/** Ordered fault rules; each matching call consumes one use of the first rule that applies. */
export class FakeFaults {
  private rules: (FaultRule & { left: number })[] = [];

  add(rule: FaultRule): void {
    this.rules.push({ ...rule, left: rule.times ?? Number.POSITIVE_INFINITY });
  }

  clear(): void {
    this.rules = [];
  }

  /** The faults to apply to this call: any `slow` ones first, then at most one failure. */
  take(method: string, channel: string | undefined): FakeFault[] {
    const out: FakeFault[] = [];
    for (const rule of this.rules) {
      if (rule.left <= 0) continue;
      if (rule.method && rule.method !== method) continue;
      if (rule.channel && rule.channel !== channel) continue;
      if (rule.fault.kind !== 'slow' && out.some((f) => f.kind !== 'slow')) continue;
      rule.left -= 1;
      out.push(rule.fault);
    }
    this.rules = this.rules.filter((r) => r.left > 0);
    return out.sort((a, b) => (a.kind === 'slow' ? -1 : b.kind === 'slow' ? 1 : 0));
  }
}
