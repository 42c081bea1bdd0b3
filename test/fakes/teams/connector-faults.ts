/** What the fake connector does instead of answering normally. */
export type ConnectorFault =
  /** HTTP 429 with Retry-After in seconds (omit the header with `retryAfterSeconds: null`). */
  | { kind: 'rate-limited'; retryAfterSeconds?: number | null }
  /** A bare status such as 412, 500, 502, 504, with the connector's JSON error body. */
  | { kind: 'status'; status: number; code?: string; retryAfterSeconds?: number }
  /** Waits before answering (normally, or with the next matching fault). */
  | { kind: 'slow'; delayMs: number };

/** Bot Connector operations as the fake names them. */
export type ConnectorOperation = 'send' | 'reply' | 'update' | 'get-member';

export interface ConnectorFaultRule {
  fault: ConnectorFault;
  operation?: ConnectorOperation;
  /** Only calls about this conversation (base id, without `;messageid=`). */
  conversationId?: string;
  /** How many matching calls it affects; unlimited when omitted. */
  times?: number;
}

/** Ordered rules; each matching call consumes one use of every rule it takes (slow ones first). */
export class ConnectorFaults {
  private rules: (ConnectorFaultRule & { left: number })[] = [];

  add(rule: ConnectorFaultRule): void {
    this.rules.push({ ...rule, left: rule.times ?? Number.POSITIVE_INFINITY });
  }

  clear(): void {
    this.rules = [];
  }

  take(operation: ConnectorOperation, conversationId: string): ConnectorFault[] {
    const out: ConnectorFault[] = [];
    for (const rule of this.rules) {
      if (rule.left <= 0) continue;
      if (rule.operation && rule.operation !== operation) continue;
      if (rule.conversationId && rule.conversationId !== conversationId) continue;
      if (rule.fault.kind !== 'slow' && out.some((f) => f.kind !== 'slow')) continue;
      rule.left -= 1;
      out.push(rule.fault);
    }
    this.rules = this.rules.filter((r) => r.left > 0);
    return out.sort((a, b) => (a.kind === 'slow' ? -1 : b.kind === 'slow' ? 1 : 0));
  }
}
