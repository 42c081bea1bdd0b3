import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createQueues } from '../../jobs/create-queues.js';
import { jobNames } from '../../jobs/queue/queue-names.js';
import { RedisAlertStore } from '../../src/redis/redis-alert-store.js';
import { findingFor, opened } from '../support/alert-fixtures.js';
import { queueClients, uniquePrefix } from '../support/queue-harness.js';
import { startRedisSentinel, type RedisSentinel } from '../support/redis-sentinel.js';

/**
 * REDIS_MODE=sentinel against a real master and Sentinel (test/support/redis-sentinel.ts): vigil finds
 * the master by name, and its stores and BullMQ queues work there unchanged.
 */
describe('vigil through Redis Sentinel', () => {
  let sentinel: RedisSentinel;
  beforeAll(async () => {
    sentinel = await startRedisSentinel();
  });
  afterAll(async () => {
    await sentinel?.stop();
  });

  it('finds the master the Sentinel names and runs the stores and the queues there', async () => {
    const prefix = uniquePrefix('sentinel');
    const c = queueClients(sentinel, prefix);
    try {
      const info = await c.store.info('server');
      expect(info).toContain(`tcp_port:${sentinel.masterPort}`);
      const alerts = new RedisAlertStore(c.store, prefix);
      const { alert, alerts: batch, transitions } = opened('a1', findingFor('prod', 'db/mongo'), new Date());
      expect(await alerts.apply({ alerts: batch, transitions }, {})).toBe(true);
      expect((await alerts.listOpen()).map((a) => a.id)).toEqual([alert.id]);
      const queues = createQueues(c.bullmq, prefix);
      try {
        await queues.housekeeping.add(jobNames.housekeeping, {}, { jobId: 'sentinel-1' });
        expect(await queues.housekeeping.getWaitingCount()).toBe(1);
      } finally {
        await queues.close();
      }
    } finally {
      await c.close();
    }
  });
});
