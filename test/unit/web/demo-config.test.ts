import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/config/load-config.js';
import { demoInterval, demoServeSections } from '../../../src/demo/demo-config.js';
import { planSchedules } from '../../../jobs/queue/schedule-plan.js';

describe('the live demo config', () => {
  it('runs each check every few seconds, faster with speed, on intervals that divide a minute', () => {
    expect([demoInterval(20, 1), demoInterval(10, 1), demoInterval(15, 1)]).toEqual([20, 10, 15]);
    expect([demoInterval(20, 6), demoInterval(10, 6)]).toEqual([3, 2]);
    expect(demoInterval(20, 1000)).toBe(1);
  });

  it('is a valid vigil.yaml whose alerts all go to the web chat and resolve after one ok run', () => {
    const config = parseConfig(
      { clusters: [{ name: 'prod', inCluster: true }], ...demoServeSections(1) },
      'demo',
      '/',
    );
    expect(config.alerts.resolveAfterOkRuns).toBe(1);
    expect(config.alerts.defaultRoute?.web).toEqual(['alerts']);
    expect(planSchedules(config).map((p) => `${p.check} ${p.pattern}`)).toEqual([
      'certificates */20 * * * * *',
      'statefulsets */10 * * * * *',
      'registries */15 * * * * *',
    ]);
  });
});
