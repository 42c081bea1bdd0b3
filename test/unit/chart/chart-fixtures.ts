import type { ExpiryChartData } from '../../../src/chart/expiry-chart-data.js';

export const NOW = new Date('2026-11-21T10:00:00Z');
const DAY = 86_400_000;

export function inDays(days: number): Date {
  return new Date(NOW.getTime() + days * DAY);
}

/** prod: a CA in 45 days, an expired leaf, a leaf in 10 days, one leaf after the horizon; staging: none. */
export function sampleData(): ExpiryChartData {
  return {
    now: NOW,
    horizonDays: 90,
    thresholds: { warningDays: 28, criticalDays: 14, caWarningDays: 60, caCriticalDays: 30 },
    clusters: [
      {
        name: 'prod',
        certificates: [
          {
            label: 'configmap kube-system/kube-root-ca.crt · CN=kubernetes',
            notAfter: inDays(45),
            isCa: true,
            severity: 'warning',
          },
          { label: 'secret apps/old-tls · CN=old', notAfter: inDays(-3), isCa: false, severity: 'critical' },
          {
            label: 'secret apps/web-tls · CN=web <&>',
            notAfter: inDays(10),
            isCa: false,
            severity: 'critical',
          },
          { label: 'secret apps/later-tls · CN=later', notAfter: inDays(200), isCa: false, severity: 'ok' },
        ],
      },
      { name: 'staging', certificates: [] },
    ],
  };
}
