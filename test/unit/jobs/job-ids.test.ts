import { describe, expect, it } from 'vitest';
import { notifyJobId } from '../../../jobs/notify/outbox.js';
import { jobIdPart } from '../../../jobs/queue/queue-names.js';
import { schedulerIdFor } from '../../../jobs/queue/schedule-plan.js';

describe('BullMQ custom ids', () => {
  it('never contain ":" nor are all digits, and stay readable', () => {
    const ids = [
      notifyJobId('a7k2q-3', 'slack', 'C0123ABCD'),
      notifyJobId('12345-1', 'teams', '19:abc@thread.tacv2'),
      schedulerIdFor('prod', 'certificates'),
    ];
    expect(ids[0]).toBe('notify-a7k2q-3-slack-C0123ABCD');
    for (const id of ids) {
      expect(id).not.toContain(':');
      expect(id).not.toMatch(/^\d+$/);
    }
  });

  it('escapes injectively', () => {
    expect(jobIdPart('a:b')).not.toBe(jobIdPart('a_3a_b'));
    expect(jobIdPart('19:abc@thread')).toBe('19_3a_abc_40_thread');
  });
});
