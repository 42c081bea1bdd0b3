import { describe, expect, it } from 'vitest';
import { handleCommand } from '../../../handlers/handle-command.js';
import { MAX_APPLY_ATTEMPTS } from '../../../handlers/change-alert.js';
import type { AlertChanges } from '../../../src/alerts/alert-store.js';
import { makeAlert, makeDeps, omar, slackCommand } from './handler-fixtures.js';

describe('acknowledging while something else writes the alert', () => {
  it('re-reads and retries after a conflicting write, keeping both changes', async () => {
    const t = makeDeps();
    t.alerts.seed(makeAlert('a7k2q', { severity: 'warning' }));
    const realApply = t.alerts.apply.bind(t.alerts);
    let interfered = false;
    // A check run escalates the alert between the handler's read and its write.
    t.alerts.apply = async (changes: AlertChanges, expected: Record<string, number>) => {
      if (!interfered) {
        interfered = true;
        const current = (await t.alerts.get('a7k2q'))!;
        await realApply(
          { alerts: [{ ...current, severity: 'critical', seq: current.seq + 1 }], transitions: [] },
          { a7k2q: current.seq },
        );
      }
      return realApply(changes, expected);
    };
    const reply = await handleCommand(slackCommand('ack a7k2q'), t.deps);
    expect(reply.title).toBe('Acknowledged a7k2q');
    expect(await t.alerts.get('a7k2q')).toMatchObject({
      state: 'acknowledged',
      severity: 'critical',
      seq: 3,
    });
    expect(t.alerts.applyCalls).toBe(3);
    expect(t.notified).toHaveLength(1);
  });

  it('two people acknowledging at once: the second sees the first and takes over, no lost update', async () => {
    const t = makeDeps();
    t.alerts.seed(makeAlert('a7k2q'));
    const [first, second] = await Promise.all([
      handleCommand(slackCommand('ack a7k2q'), t.deps),
      handleCommand(slackCommand('ack a7k2q', { user: omar }), t.deps),
    ]);
    expect([first.title, second.title]).toEqual(['Acknowledged a7k2q', 'Acknowledged a7k2q']);
    const kinds = t.alerts.transitions.map((tr) => `${tr.kind}:${tr.seq}`);
    expect(kinds).toEqual(['acknowledged:2', 'acknowledged:3']);
    expect(t.alerts.transitions[1]?.reason).toMatch(/takes over from maria/);
  });

  it('the same person acknowledging twice at once writes one transition', async () => {
    const t = makeDeps();
    t.alerts.seed(makeAlert('a7k2q'));
    const replies = await Promise.all([
      handleCommand(slackCommand('ack a7k2q'), t.deps),
      handleCommand(slackCommand('ack a7k2q'), t.deps),
    ]);
    const titles = replies.map((r) => r.title);
    expect(titles.filter((x) => x === 'Acknowledged a7k2q')).toHaveLength(1);
    expect(titles.filter((x) => /^Nothing to do: .*already acknowledged by you/.test(x))).toHaveLength(1);
    expect(t.alerts.transitions).toHaveLength(1);
    expect(t.notified).toHaveLength(1);
  });

  it('gives up after a bounded number of attempts, changing nothing and saying so', async () => {
    const t = makeDeps();
    t.alerts.seed(makeAlert('a7k2q'));
    t.alerts.apply = async () => false;
    const reply = await handleCommand(slackCommand('ack a7k2q'), t.deps);
    expect(reply).toMatchObject({ private: true, title: 'Could not acknowledge a7k2q: it kept changing' });
    expect(t.notified).toHaveLength(0);
    expect(t.errors).toEqual([
      expect.objectContaining({ fields: expect.objectContaining({ attempts: MAX_APPLY_ATTEMPTS }) }),
    ]);
  });
});
