/**
 * The values the chart tests render with: each rbac.mode with each chat platform set-up, and an
 * "everything on" set that renders every optional template.
 */

export const rbacModes = ['full', 'namespaced', 'noSecrets'] as const;
export type RbacMode = (typeof rbacModes)[number];

export const platforms = ['slack', 'teams', 'both'] as const;
export type Platform = (typeof platforms)[number];

/** Namespaces of rbac.mode=namespaced in these tests. */
export const secretNamespaces = ['apps', 'payments'];

export function rbacValues(mode: RbacMode): object {
  return mode === 'namespaced' ? { mode, namespaces: secretNamespaces } : { mode };
}

/** Slack from the default slack.existingSecret; Teams from a Secret named vigil-teams. */
export function platformValues(platform: Platform): { slack?: object; teams?: object } {
  if (platform === 'slack') return {};
  if (platform === 'teams')
    return { slack: { existingSecret: '' }, teams: { existingSecret: 'vigil-teams' } };
  return { teams: { existingSecret: 'vigil-teams' } };
}

export function combination(mode: RbacMode, platform: Platform): object {
  return { rbac: rbacValues(mode), ...platformValues(platform) };
}

export const combinations = rbacModes.flatMap((mode) =>
  platforms.map((platform) => ({ mode, platform, values: combination(mode, platform) })),
);

/**
 * Every optional template on: Ingress, NetworkPolicy, ServiceMonitor, PrometheusRule, both Secrets,
 * the node agent's DaemonSet.
 */
export function everythingOn(mode: RbacMode): object {
  return {
    rbac: rbacValues(mode),
    slack: { createSecret: true, botToken: 'xoxb-1-2-abc', signingSecret: 'signing', appToken: 'xapp-1-abc' },
    teams: {
      createSecret: true,
      appId: '0f8fad5b-d9cb-469f-a165-70867728950e',
      appPassword: 'client-secret',
      tenantId: 'contoso.onmicrosoft.com',
    },
    heartbeat: { url: 'https://hc.example.com/ping/abc' },
    ingress: {
      enabled: true,
      className: 'nginx',
      tls: [{ secretName: 'vigil-tls', hosts: ['vigil.example.com'] }],
    },
    networkPolicy: {
      enabled: true,
      ingressFrom: [
        { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' } } },
      ],
    },
    metrics: { serviceMonitor: { enabled: true }, prometheusRule: { enabled: true } },
    configFiles: { secretName: 'vigil-kubeconfigs' },
    agent: { enabled: true },
  };
}
