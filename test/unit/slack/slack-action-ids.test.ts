import { describe, expect, it } from 'vitest';
import {
  ackActionId,
  alertActionIdPattern,
  decodeAlertAction,
  isActionDuration,
  snoozeActionId,
  snoozeOptionValue,
} from '../../../src/chat/slack/slack-action-ids.js';

describe('alert action ids', () => {
  it('round-trips ack and snooze', () => {
    expect(decodeAlertAction(ackActionId('a7k2q'), 'a7k2q')).toEqual({ kind: 'ack', alertId: 'a7k2q' });
    expect(decodeAlertAction(snoozeActionId('a7k2q'), snoozeOptionValue('a7k2q', '4h'))).toEqual({
      kind: 'snooze',
      alertId: 'a7k2q',
      duration: '4h',
    });
    expect(alertActionIdPattern.test(ackActionId('x'))).toBe(true);
    expect(alertActionIdPattern.test(snoozeActionId('x'))).toBe(true);
  });

  it('rejects mismatched, malformed or foreign actions', () => {
    expect(decodeAlertAction(ackActionId('a7k2q'), 'other')).toBeNull();
    expect(decodeAlertAction(ackActionId('a b'), 'a b')).toBeNull();
    expect(decodeAlertAction(snoozeActionId('a7k2q'), 'a7k2q forever')).toBeNull();
    expect(decodeAlertAction(snoozeActionId('a7k2q'), 'a7k2q 1h extra')).toBeNull();
    expect(decodeAlertAction(snoozeActionId('a7k2q'), 'zzz 1h')).toBeNull();
    expect(decodeAlertAction(snoozeActionId('a7k2q'), undefined)).toBeNull();
    expect(decodeAlertAction('someone_else', 'a7k2q')).toBeNull();
  });
});

describe('durations on snooze options', () => {
  it('accepts the shapes the snooze parser reads and nothing with spaces', () => {
    for (const d of ['30m', '4h', '24h', '2d', '1w', '1h30m']) expect(isActionDuration(d), d).toBe(true);
    for (const d of ['', '4 h', 'forever', '1h 30m', '99999h']) expect(isActionDuration(d), d).toBe(false);
    expect(decodeAlertAction(snoozeActionId('a7k2q'), 'a7k2q 1h30m')).toEqual({
      kind: 'snooze',
      alertId: 'a7k2q',
      duration: '1h30m',
    });
  });
});
