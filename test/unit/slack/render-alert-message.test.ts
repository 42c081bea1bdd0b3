import { describe, expect, it } from 'vitest';
import type { AlertMessage } from '../../../src/chat/chat-message.js';
import { blockKitLimits } from '../../../src/chat/slack/block-kit-limits.js';
import { renderAlertMessage } from '../../../src/chat/slack/render-alert-message.js';
import { decodeAlertAction } from '../../../src/chat/slack/slack-action-ids.js';
import { validateBlocks } from '../../fakes/slack/validate-blocks.js';

const now = new Date('2026-11-21T10:49:00Z');

interface Element {
  type: string;
  action_id: string;
  value?: string;
  text?: { text: string };
  options?: { text: { text: string }; value: string }[];
}

function alert(overrides: Partial<AlertMessage> = {}): AlertMessage {
  return {
    kind: 'alert',
    alertId: 'a7k2q',
    severity: 'critical',
    state: 'firing',
    cluster: 'prod',
    check: 'statefulsets',
    title: 'StatefulSet db/mongo stuck: 1/3 ready for 47 min (OrderedReady)',
    object: 'statefulset db/mongo',
    since: '2026-11-21T10:02:00Z',
    evidence: [
      'mongo-0 Running but NotReady for 47 min',
      'readiness probe failing ("exit code 1", 30 s ago)',
    ],
    blastRadius: ['mongo-1', 'mongo-2'],
    nextStep: 'check the probe; deleting mongo-0 restarts it (if it is the primary, expect a failover)',
    actions: [
      { kind: 'ack', alertId: 'a7k2q' },
      { kind: 'snooze', alertId: 'a7k2q', durations: ['1h', '4h', '24h'] },
    ],
    ...overrides,
  };
}

/** Every piece of text in the blocks, with where it sits. */
function texts(
  value: unknown,
  out: { type: string; text: string }[] = [],
  type = '',
): { type: string; text: string }[] {
  if (Array.isArray(value)) for (const v of value) texts(v, out, type);
  else if (value && typeof value === 'object') {
    const o = value as Record<string, unknown>;
    if (typeof o['text'] === 'string') out.push({ type: String(o['type'] ?? type), text: o['text'] });
    for (const [k, v] of Object.entries(o))
      if (k !== 'text' || typeof v !== 'string') texts(v, out, String(o['type'] ?? type));
  }
  return out;
}

describe('renderAlertMessage', () => {
  it('renders severity, cluster, object, since (UTC and relative), evidence, blast radius, next step and id', () => {
    const { text, blocks } = renderAlertMessage(
      alert({ status: 'Acknowledged by maria 10:14 UTC: on it' }),
      now,
    );
    const all = texts(blocks)
      .map((t) => t.text)
      .join('\n');
    expect(blocks[0]).toMatchObject({ type: 'header', text: { type: 'plain_text' } });
    expect(all).toContain(':red_circle: StatefulSet db/mongo stuck');
    expect(all).toContain('`prod`');
    expect(all).toContain('`statefulset db/mongo`');
    expect(all).toContain('2026-11-21 10:02 UTC (47 min)');
    expect(all).toContain('Critical · Firing');
    expect(all).toContain('• mongo-0 Running but NotReady for 47 min');
    expect(all).toContain('*Blast radius*\n• mongo-1\n• mongo-2');
    expect(all).toContain('*Next step*');
    expect(all).toContain('Acknowledged by maria 10:14 UTC: on it');
    expect(all).toContain('id `a7k2q`');
    expect(text).toBe(
      'Critical [prod] StatefulSet db/mongo stuck: 1/3 ready for 47 min (OrderedReady): statefulset db/mongo (Acknowledged by maria 10:14 UTC: on it)',
    );
    expect(validateBlocks(blocks)).toBeUndefined();
  });

  it('offers Acknowledge and Snooze 1 h / 4 h / 24 h carrying the alert id', () => {
    const { blocks } = renderAlertMessage(alert(), now);
    const actions = blocks.find((b) => b.type === 'actions') as unknown as { elements: Element[] };
    const [ack, snooze] = actions.elements as [Element, Element];
    expect(ack).toMatchObject({
      type: 'button',
      action_id: 'vigil_ack:a7k2q',
      value: 'a7k2q',
      text: { text: 'Acknowledge' },
    });
    expect(decodeAlertAction(ack.action_id, ack.value)).toEqual({ kind: 'ack', alertId: 'a7k2q' });
    expect(snooze.type).toBe('static_select');
    expect(snooze.options!.map((o) => o.text.text)).toEqual(['for 1 h', 'for 4 h', 'for 24 h']);
    expect(snooze.options!.map((o) => decodeAlertAction(snooze.action_id, o.value))).toEqual([
      { kind: 'snooze', alertId: 'a7k2q', duration: '1h' },
      { kind: 'snooze', alertId: 'a7k2q', duration: '4h' },
      { kind: 'snooze', alertId: 'a7k2q', duration: '24h' },
    ]);
  });

  it('offers Chart on a certificate alert as a button carrying the alert id', () => {
    const { blocks } = renderAlertMessage(
      alert({
        check: 'certificates',
        actions: [
          { kind: 'ack', alertId: 'a7k2q' },
          { kind: 'snooze', alertId: 'a7k2q', durations: ['1h'] },
          { kind: 'chart', alertId: 'a7k2q' },
        ],
      }),
      now,
    );
    expect(validateBlocks(blocks)).toBeUndefined();
    const actions = blocks.find((b) => b.type === 'actions') as unknown as { elements: Element[] };
    expect(actions.elements.map((e) => e.action_id)).toEqual([
      'vigil_ack:a7k2q',
      'vigil_snooze:a7k2q',
      'vigil_chart:a7k2q',
    ]);
    const chart = actions.elements[2]!;
    expect(chart).toMatchObject({ type: 'button', value: 'a7k2q', text: { text: 'Chart' } });
    expect(decodeAlertAction(chart.action_id, chart.value)).toEqual({ kind: 'chart', alertId: 'a7k2q' });
    // The value must repeat the id, as for Acknowledge.
    expect(decodeAlertAction(chart.action_id, 'b0th3r')).toBeNull();
  });

  it('shows no buttons and a check mark once resolved, even if actions were passed', () => {
    const { text, blocks } = renderAlertMessage(
      alert({ state: 'resolved', status: 'Resolved after 2 h 3 min' }),
      now,
    );
    expect(blocks.some((b) => b.type === 'actions')).toBe(false);
    expect(JSON.stringify(blocks[0])).toContain(':white_check_mark:');
    expect(text.startsWith('Resolved [prod]')).toBe(true);
  });

  it('uses distinct looks per severity', () => {
    const headers = (['warning', 'unknown', 'critical'] as const).map((severity) =>
      JSON.stringify(renderAlertMessage(alert({ severity }), now).blocks[0]),
    );
    expect(headers[0]).toContain(':large_yellow_circle:');
    expect(headers[1]).toContain(':white_circle:');
    expect(headers[2]).toContain(':red_circle:');
  });

  it('caps the blast radius with "and N more"', () => {
    const pods = Array.from({ length: 40 }, (_, i) => `pod-${i}`);
    const all = texts(renderAlertMessage(alert({ blastRadius: pods }), now).blocks)
      .map((t) => t.text)
      .join('\n');
    expect(all).toContain('• pod-9');
    expect(all).not.toContain('• pod-10');
    expect(all).toContain('…and 30 more');
  });

  it('escapes everything that comes from cluster objects or users', () => {
    const hostile = '<!channel> <@U024BE7LH> <https://evil.example|click> & <!subteam^S1>';
    const { text, blocks } = renderAlertMessage(
      alert({
        title: hostile,
        object: hostile,
        cluster: hostile,
        evidence: [hostile],
        blastRadius: [hostile],
        nextStep: hostile,
        status: hostile,
      }),
      now,
    );
    for (const t of texts(blocks)) {
      if (t.type === 'plain_text') continue; // plain text never parses mentions or links
      expect(t.text, t.text).not.toMatch(/<[!@#h]/);
    }
    expect(text).not.toContain('<');
    expect(text).toContain('&lt;!channel&gt;');
  });

  it('respects every Block Kit limit for absurdly large input', () => {
    const huge = (n: number, ch = 'x') => ch.repeat(n);
    const message = alert({
      alertId: 'a7k2q',
      title: huge(10_000, '&'),
      object: huge(10_000, '<'),
      cluster: huge(5_000),
      evidence: Array.from({ length: 500 }, () => huge(5_000, '>')),
      blastRadius: Array.from({ length: 2_000 }, (_, i) => `workload-${i}-${huge(300)}`),
      nextStep: huge(20_000, '&'),
      status: huge(20_000),
      actions: [
        { kind: 'ack', alertId: 'a7k2q' },
        { kind: 'snooze', alertId: 'a7k2q', durations: Array.from({ length: 200 }, (_, i) => `${i + 1}h`) },
      ],
    });
    const { text, blocks } = renderAlertMessage(message, now);
    expect(validateBlocks(blocks)).toBeUndefined();
    expect(blocks.length).toBeLessThanOrEqual(blockKitLimits.blocksPerMessage);
    const all = texts(blocks);
    expect(all.reduce((n, t) => n + t.text.length, 0)).toBeLessThanOrEqual(blockKitLimits.messageTextTotal);
    for (const t of all) expect(t.text.length).toBeLessThanOrEqual(blockKitLimits.sectionText);
    expect(text.length).toBeLessThanOrEqual(blockKitLimits.fallbackText);
    expect(text.endsWith('…')).toBe(true);
    expect(JSON.stringify(blocks[0]).length).toBeLessThan(400);
    expect(all.some((t) => t.text.includes('…and '))).toBe(true);
  });
});

describe('snooze menu durations', () => {
  it('leaves durations that cannot ride on an option out of the menu', () => {
    const { blocks } = renderAlertMessage(
      alert({ actions: [{ kind: 'snooze', alertId: 'a7k2q', durations: ['4 h', '1h'] }] }),
      now,
    );
    expect(JSON.stringify(blocks)).not.toContain('a7k2q 4 h');
    expect(JSON.stringify(blocks)).toContain('a7k2q 1h');
  });
});
