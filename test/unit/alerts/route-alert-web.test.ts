import { describe, expect, it } from 'vitest';
import { routeAlert } from '../../../src/alerts/route-alert.js';
import { alertsConfigSchema } from '../../../src/config/alerts-config.js';

describe('routes to the web chat', () => {
  it('a route or the default route may name web rooms, alone or beside Slack and Teams', () => {
    const routing = alertsConfigSchema.parse({
      routes: [{ match: { namespace: 'db' }, web: ['db-team'], slack: ['C0DB'] }],
      defaultRoute: { web: ['alerts'] },
    });
    const alert = { cluster: 'prod', check: 'statefulsets', severity: 'critical' } as const;
    expect(routeAlert({ ...alert, namespace: 'db' }, routing)).toEqual([
      { platform: 'slack', destination: 'C0DB' },
      { platform: 'web', destination: 'db-team' },
    ]);
    expect(routeAlert({ ...alert, namespace: 'shop' }, routing)).toEqual([
      { platform: 'web', destination: 'alerts' },
    ]);
  });

  it('a room is a lower-case name', () => {
    const result = alertsConfigSchema.safeParse({ defaultRoute: { web: ['Alerts Room'] } });
    expect(result.success).toBe(false);
    expect(JSON.stringify(result.error?.issues)).toMatch(/web chat room name/);
  });
});
