import { describe, expect, it } from 'vitest';
import {
  ackAction,
  chartAction,
  decodeExecuteAction,
  snoozeAction,
} from '../../../src/chat/teams/teams-action-verbs.js';

describe('Universal Action verbs and data', () => {
  it('round-trips ack and snooze', () => {
    const ack = ackAction('a7k2q');
    const snooze = snoozeAction('a7k2q', '4h');
    expect(ack).toMatchObject({ type: 'Action.Execute', verb: 'vigil.ack', data: { alertId: 'a7k2q' } });
    expect(snooze).toMatchObject({ type: 'Action.Execute', title: 'Snooze 4 h', verb: 'vigil.snooze' });
    if (ack.type !== 'Action.Execute' || snooze.type !== 'Action.Execute')
      throw new Error('unexpected action');
    expect(decodeExecuteAction(ack)).toEqual({ kind: 'ack', alertId: 'a7k2q' });
    expect(decodeExecuteAction(snooze)).toEqual({ kind: 'snooze', alertId: 'a7k2q', duration: '4h' });
  });

  it('round-trips chart', () => {
    const chart = chartAction('a7k2q');
    expect(chart).toMatchObject({ type: 'Action.Execute', title: 'Chart', verb: 'vigil.chart' });
    if (chart.type !== 'Action.Execute') throw new Error('unexpected action');
    expect(decodeExecuteAction(chart)).toEqual({ kind: 'chart', alertId: 'a7k2q' });
  });

  it.each([
    [{ verb: 'vigil.chart', data: { alertId: 'a7k2q <at>x</at>' } }],
    [{ verb: 'vigil.ack', data: {} }],
    [{ verb: 'vigil.ack', data: { alertId: '' } }],
    [{ verb: 'vigil.ack', data: { alertId: 'a'.repeat(65) } }],
    [{ verb: 'vigil.ack', data: { alertId: 'a7k2q <at>x</at>' } }],
    [{ verb: 'vigil.ack', data: 'a7k2q' }],
    [{ verb: 'vigil.snooze', data: { alertId: 'a7k2q' } }],
    [{ verb: 'vigil.snooze', data: { alertId: 'a7k2q', duration: '4 hours' } }],
    [{ verb: 'vigil.delete', data: { alertId: 'a7k2q' } }],
    [{ data: { alertId: 'a7k2q' } }],
  ])('refuses %j', (action) => {
    expect(decodeExecuteAction(action)).toBeNull();
  });
});
