import { describe, expect, it } from 'vitest';
import { routeAlert, type RoutableAlert } from '../../../src/alerts/route-alert.js';
import { alertsConfigSchema } from '../../../src/config/alerts-config.js';

function routing(alerts: unknown) {
  return alertsConfigSchema.parse(alerts);
}

const cert: RoutableAlert = {
  cluster: 'prod',
  check: 'certificates',
  severity: 'critical',
  namespace: 'payments',
};

describe('routeAlert', () => {
  const config = routing({
    routes: [
      { match: { cluster: 'prod', namespace: 'payments*' }, slack: ['C0PAY', 'C0OPS'] },
      { match: { cluster: 'prod', severity: 'critical' }, slack: ['C0OPS'], teams: ['oncall'] },
      { match: { check: ['registries', 'statefulsets'] }, slack: ['C0PLATFORM'] },
      { match: { severity: ['unknown'] }, slack: ['C0BLIND'] },
    ],
    defaultRoute: { slack: ['C0ALL'] },
  });

  it('takes the first matching route, in order, with all its channels', () => {
    expect(routeAlert(cert, config)).toEqual([
      { platform: 'slack', destination: 'C0PAY' },
      { platform: 'slack', destination: 'C0OPS' },
    ]);
  });

  it('matches a minimum severity: critical does not take warnings', () => {
    expect(routeAlert({ ...cert, namespace: 'web' }, config)).toEqual([
      { platform: 'slack', destination: 'C0OPS' },
      { platform: 'teams', destination: 'oncall' },
    ]);
    expect(routeAlert({ ...cert, namespace: 'web', severity: 'warning' }, config)).toEqual([
      { platform: 'slack', destination: 'C0ALL' },
    ]);
  });

  it('matches a severity list exactly, and a check list', () => {
    expect(routeAlert({ cluster: 'staging', check: 'certificates', severity: 'unknown' }, config)).toEqual([
      { platform: 'slack', destination: 'C0BLIND' },
    ]);
    expect(
      routeAlert({ cluster: 'staging', check: 'statefulsets', severity: 'warning', namespace: 'db' }, config),
    ).toEqual([{ platform: 'slack', destination: 'C0PLATFORM' }]);
  });

  it('never matches a namespace matcher for a cluster-scoped alert', () => {
    expect(routeAlert({ cluster: 'prod', check: 'cluster', severity: 'warning' }, config)).toEqual([
      { platform: 'slack', destination: 'C0ALL' },
    ]);
  });

  it('keeps looking after a route with continue: true, de-duplicating channels; no default then', () => {
    const cont = routing({
      routes: [
        { match: { cluster: 'prod-*' }, slack: ['C0PROD'], continue: true },
        { match: { severity: 'warning' }, slack: ['C0PROD', 'C0WARN'], continue: true },
        { match: { check: 'cluster' }, teams: ['infra'] },
        { match: {}, slack: ['C0NEVER'] },
      ],
      defaultRoute: { slack: ['C0ALL'] },
    });
    expect(routeAlert({ cluster: 'prod-eu', check: 'cluster', severity: 'critical' }, cont)).toEqual([
      { platform: 'slack', destination: 'C0PROD' },
      { platform: 'slack', destination: 'C0WARN' },
      { platform: 'teams', destination: 'infra' },
    ]);
    expect(routeAlert({ cluster: 'prod-eu', check: 'registries', severity: 'critical' }, cont)).toEqual([
      { platform: 'slack', destination: 'C0PROD' },
      { platform: 'slack', destination: 'C0WARN' },
      { platform: 'slack', destination: 'C0NEVER' },
    ]);
  });

  it('uses the default route when nothing matches, and returns nothing without one', () => {
    const onlyDefault = routing({ defaultRoute: { slack: ['C0ALL'], teams: ['oncall'] } });
    expect(routeAlert(cert, onlyDefault)).toEqual([
      { platform: 'slack', destination: 'C0ALL' },
      { platform: 'teams', destination: 'oncall' },
    ]);
    expect(routeAlert(cert, routing({}))).toEqual([]);
  });

  it('treats glob characters literally except *', () => {
    const dots = routing({ routes: [{ match: { cluster: 'eu.west' }, slack: ['C0EU'] }] });
    expect(routeAlert({ ...cert, cluster: 'euxwest' }, dots)).toEqual([]);
    expect(routeAlert({ ...cert, cluster: 'eu.west' }, dots)).toEqual([
      { platform: 'slack', destination: 'C0EU' },
    ]);
  });
});
