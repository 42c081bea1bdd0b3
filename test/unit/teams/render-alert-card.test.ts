import { describe, expect, it } from 'vitest';
import type { AlertMessage } from '../../../src/chat/chat-message.js';
import { renderAlertCard } from '../../../src/chat/teams/render-alert-card.js';
import { cardActivity } from '../../../src/chat/teams/teams-activities.js';
import { teamsCardLimits, teamsPayloadBytes } from '../../../src/chat/teams/teams-card-limits.js';
import type { AlertState } from '../../../src/domain/alert.js';
import { executeActions, markdownText, validateCard, visibleText } from '../../fakes/teams/validate-card.js';

const now = new Date('2026-11-21T10:49:00Z');

function alert(overrides: Partial<AlertMessage> = {}): AlertMessage {
  return {
    kind: 'alert',
    alertId: 'a7k2q',
    severity: 'critical',
    state: 'firing',
    cluster: 'prod',
    check: 'statefulsets',
    title: 'StatefulSet db/mongo has 1 of 3 replicas ready',
    object: 'statefulset db/mongo',
    since: '2026-11-21T10:02:00Z',
    evidence: ['mongo-1: CrashLoopBackOff (exit 137, OOMKilled)', 'mongo-2: Pending (Insufficient memory)'],
    blastRadius: ['deployment shop/checkout', 'deployment shop/cart'],
    nextStep: 'kubectl -n db describe pod mongo-1; raise the memory limit',
    status: 'Firing since 2026-11-21 10:02 UTC, critical',
    actions: [
      { kind: 'ack', alertId: 'a7k2q' },
      { kind: 'snooze', alertId: 'a7k2q', durations: ['1h', '4h', '24h'] },
    ],
    ...overrides,
  };
}

describe('renderAlertCard', () => {
  it('is an Adaptive Card 1.5 with every part of the alert', () => {
    const card = renderAlertCard(alert(), now);
    expect(card).toMatchObject({ type: 'AdaptiveCard', version: '1.5' });
    expect(validateCard(card, cardActivity(card))).toBeUndefined();
    const text = visibleText(card);
    for (const part of [
      'Critical · Firing',
      'StatefulSet db/mongo has 1 of 3 replicas ready',
      'prod',
      'statefulset db/mongo',
      '2026-11-21 10:02 UTC (47 min)',
      'mongo-1: CrashLoopBackOff',
      'deployment shop/checkout',
      'kubectl -n db describe pod mongo-1',
      'Firing since 2026-11-21 10:02 UTC, critical',
      'a7k2q',
      'statefulsets',
    ]) {
      expect(text).toContain(part);
    }
    expect(card.fallbackText).toContain('Critical [prod] StatefulSet db/mongo has 1 of 3 replicas ready');
  });

  it('offers Acknowledge and Snooze as Action.Execute with the alert id in the data', () => {
    const actions = executeActions(renderAlertCard(alert(), now));
    expect(actions).toEqual([
      { title: 'Acknowledge', verb: 'vigil.ack', data: { alertId: 'a7k2q' } },
      { title: 'Snooze 1 h', verb: 'vigil.snooze', data: { alertId: 'a7k2q', duration: '1h' } },
      { title: 'Snooze 4 h', verb: 'vigil.snooze', data: { alertId: 'a7k2q', duration: '4h' } },
      { title: 'Snooze 24 h', verb: 'vigil.snooze', data: { alertId: 'a7k2q', duration: '24h' } },
    ]);
  });

  it('offers Chart on a certificate alert as Action.Execute vigil.chart, after Snooze', () => {
    const card = renderAlertCard(
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
    expect(validateCard(card, cardActivity(card))).toBeUndefined();
    expect(executeActions(card)).toEqual([
      { title: 'Acknowledge', verb: 'vigil.ack', data: { alertId: 'a7k2q' } },
      { title: 'Snooze 1 h', verb: 'vigil.snooze', data: { alertId: 'a7k2q', duration: '1h' } },
      { title: 'Chart', verb: 'vigil.chart', data: { alertId: 'a7k2q' } },
    ]);
  });

  it.each<AlertState>(['firing', 'acknowledged', 'snoozed', 'resolved'])(
    'renders a valid card when %s',
    (state) => {
      const card = renderAlertCard(alert({ state, status: `It is ${state}` }), now);
      expect(validateCard(card, cardActivity(card))).toBeUndefined();
      expect(visibleText(card)).toContain(`It is ${state}`);
    },
  );

  it('once resolved: green, no buttons, no next step', () => {
    const card = renderAlertCard(alert({ state: 'resolved', status: 'Resolved after 2 hours' }), now);
    expect(card.actions).toBeUndefined();
    expect(visibleText(card)).toContain('✅ Resolved');
    expect(visibleText(card)).not.toContain('raise the memory limit');
    expect(JSON.stringify(card.body[0])).toContain('"style":"good"');
  });

  it('shows a note for the person who pressed a button', () => {
    const card = renderAlertCard(alert({ state: 'acknowledged' }), now, {
      title: 'Acknowledged a7k2q',
      lines: ['Every copy of the alert message is being updated.'],
    });
    expect(visibleText(card)).toContain('Every copy of the alert message is being updated.');
  });

  it('never lets cluster or user text into a Markdown field, nor expand {{DATE()}}', () => {
    const hostile =
      '[pay here](https://evil.example) <at>General</at> _x_ **y** {{DATE(2017-02-14T06:08:00Z, SHORT)}}\n- list';
    const card = renderAlertCard(
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
    const markdown = markdownText(card);
    expect(markdown).not.toContain('evil.example');
    expect(markdown).not.toContain('<at>');
    expect(markdown).not.toContain('{{');
    expect(visibleText(card)).toContain('[pay here](https://evil.example) <at>General</at>');
    expect(visibleText(card)).not.toMatch(/\n- list/);
  });

  it('drops bidirectional overrides and control characters', () => {
    const card = renderAlertCard(alert({ object: 'secret \u202eodrp/tls\u0007' }), now);
    expect(visibleText(card)).toContain('secret odrp/tls');
    expect(visibleText(card)).not.toContain('\u202e');
    expect(visibleText(card)).not.toContain('\u0007');
  });

  it('stays under the Teams size limit with huge evidence, counting the rest', () => {
    const evidence = Array.from({ length: 500 }, (_, i) => `pod mongo-${i}: ${'é'.repeat(300)} blocked`);
    const blastRadius = Array.from({ length: 200 }, (_, i) => `deployment shop/svc-${i}-${'x'.repeat(200)}`);
    const big = alert({
      title: 'T'.repeat(5000),
      object: 'o'.repeat(5000),
      evidence,
      blastRadius,
      nextStep: 'n'.repeat(9000),
      status: 's'.repeat(9000),
    });
    const card = renderAlertCard(big, now);
    expect(teamsPayloadBytes(card)).toBeLessThanOrEqual(teamsCardLimits.cardBytes);
    expect(validateCard(card, cardActivity(card))).toBeUndefined();
    expect(visibleText(card)).toMatch(/…and \d+ more/);
    expect(visibleText(card)).toContain('…');
    expect(executeActions(card)).toHaveLength(4);
  });

  it('many tiny evidence lines are trimmed by the size pass too', () => {
    const evidence = Array.from({ length: 5000 }, (_, i) => `${i}`);
    const card = renderAlertCard(alert({ evidence }), now);
    expect(teamsPayloadBytes(card)).toBeLessThanOrEqual(teamsCardLimits.cardBytes);
    expect(visibleText(card)).toMatch(/…and \d+ more/);
  });
});
