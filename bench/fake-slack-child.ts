/**
 * The fake Slack Web API (test/fakes/slack) in a process of its own, for bench/delivery-pace.ts: so
 * that the messages it keeps and the HTTP it serves are not counted in the benchmark process, where
 * the outbox runs and its heap is sampled. Started with `fork` (IPC channel); answers requests
 * `{ id, op, ... }` with `{ id, result }`:
 *   rateLimit  { channel, times, retryAfterSeconds, method? }   a 429 (Retry-After unless null)
 *   failStatus { channel, times, status, method? }             a bare 5xx
 *   digest     { channels }   per channel, per message: its alert id, thread replies, shows resolved
 *   close                      stops the server and exits
 * and sends `{ ready: { apiUrl, token } }` first.
 */
import { FakeSlackWebApi } from '../test/fakes/slack/index.js';

export interface MessageDigest {
  alertId: string;
  replies: string[];
  /** The message (text or blocks) shows the alert resolved. */
  resolved: boolean;
}

export type FakeSlackRequest =
  | {
      id: number;
      op: 'rateLimit';
      channel: string;
      times: number;
      retryAfterSeconds: number | null;
      method?: string;
    }
  | { id: number; op: 'failStatus'; channel: string; times: number; status: number; method?: string }
  | { id: number; op: 'digest'; channels: string[] }
  | { id: number; op: 'close' };

const slack = await FakeSlackWebApi.start();
const send = (m: object) => process.send?.(m);

process.on('message', (raw) => {
  const m = raw as FakeSlackRequest;
  switch (m.op) {
    case 'rateLimit': {
      const { channel, times, retryAfterSeconds, method } = m;
      slack.rateLimit({ channel, times, retryAfterSeconds, ...(method ? { method } : {}) });
      send({ id: m.id, result: null });
      break;
    }
    case 'failStatus':
      slack.failStatus(m.status, {
        channel: m.channel,
        times: m.times,
        ...(m.method ? { method: m.method } : {}),
      });
      send({ id: m.id, result: null });
      break;
    case 'digest': {
      const result: Record<string, MessageDigest[]> = {};
      for (const ch of m.channels) {
        result[ch] = slack.messages(ch).map((msg) => ({
          alertId: String(msg.metadata?.event_payload['alert_id'] ?? ''),
          replies: msg.replies.map((r) => r.text ?? ''),
          resolved: /resolved/i.test(`${msg.text ?? ''}\n${JSON.stringify(msg.blocks ?? [])}`),
        }));
      }
      send({ id: m.id, result });
      break;
    }
    case 'close':
      void slack.close().then(() => {
        send({ id: m.id, result: null });
        process.disconnect?.();
        process.exit(0);
      });
      break;
  }
});
process.on('disconnect', () => process.exit(0));
send({ ready: { apiUrl: slack.apiUrl, token: slack.token } });
