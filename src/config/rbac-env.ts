import {
  namespaceNamePattern,
  rbacModeAccess,
  withinSecretAccess,
  type SecretAccess,
} from '../checks/secret-access.js';
import type { ClusterConfig } from '../checks/cluster-config.js';
import type { ConfigProblem } from '../domain/config-error.js';

const modeKey = 'VIGIL_RBAC_MODE';
const namespacesKey = 'VIGIL_RBAC_NAMESPACES';

/**
 * VIGIL_RBAC_MODE (`full`, `namespaced`, `noSecrets`) and, with `namespaced`, VIGIL_RBAC_NAMESPACES
 * (comma-separated): what the Helm chart's `rbac.mode` lets the pod's ServiceAccount read of Secrets
 * (deploy/helm/vigil/templates/deployment.yaml sets both). Unset: nothing is said, every Secret.
 */
export function readRbacEnv(env: NodeJS.ProcessEnv): { access?: SecretAccess; problems: ConfigProblem[] } {
  const problems: ConfigProblem[] = [];
  const rawMode = env[modeKey]?.trim() ?? '';
  const rawNamespaces = env[namespacesKey]?.trim() ?? '';
  if (rawMode === '') {
    if (rawNamespaces !== '') {
      problems.push({
        key: namespacesKey,
        message: `is set but ${modeKey} is not; set ${modeKey}=namespaced with it (the chart sets both from rbac.mode and rbac.namespaces), or unset it`,
      });
    }
    return { problems };
  }
  const mode = rbacModeAccess[rawMode];
  if (mode === undefined) {
    problems.push({
      key: modeKey,
      message: `must be full, namespaced or noSecrets (the chart's rbac.mode), not "${rawMode.slice(0, 40)}"`,
    });
    return { problems };
  }
  if (mode !== 'namespaces') {
    if (rawNamespaces !== '') {
      problems.push({
        key: namespacesKey,
        message: `is only read with ${modeKey}=namespaced (it is ${rawMode}); unset it, or set ${modeKey}=namespaced`,
      });
    }
    return { access: { mode, namespaces: [], setBy: 'env' }, problems };
  }
  const namespaces = [
    ...new Set(
      rawNamespaces
        .split(',')
        .map((n) => n.trim())
        .filter(Boolean),
    ),
  ];
  if (namespaces.length === 0) {
    problems.push({
      key: namespacesKey,
      message: `lists no namespace; with ${modeKey}=namespaced name the namespaces whose Secrets vigil may read, comma-separated, e.g. apps,payments (the chart's rbac.namespaces)`,
    });
  }
  const bad = namespaces.filter((n) => !namespaceNamePattern.test(n));
  if (bad.length > 0) {
    problems.push({
      key: namespacesKey,
      message: `${bad.map((n) => `"${n.slice(0, 63)}"`).join(', ')} ${bad.length === 1 ? 'is not a namespace name' : 'are not namespace names'}; list lower-case namespace names separated by commas, e.g. apps,payments`,
    });
  }
  return problems.length > 0 ? { problems } : { access: { mode, namespaces, setBy: 'env' }, problems };
}

/**
 * The env describes the chart's ServiceAccount, so it applies to the clusters read with it
 * (`inCluster: true`); a kubeconfig's credentials have RBAC of their own. It fills their default: a
 * cluster's own `secrets:` in vigil.yaml wins when it reads no more than the env allows (it may
 * narrow the chart's mode, never widen it, which would only earn 403s). Sets `secrets` on those
 * clusters and returns the problems.
 */
export function applyRbacEnv(clusters: ClusterConfig[], access: SecretAccess): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  clusters.forEach((c, i) => {
    if (!c.inCluster) return;
    if (c.secrets === undefined) {
      c.secrets = access;
      return;
    }
    if (!withinSecretAccess(c.secrets, access)) {
      const allowed =
        access.mode === 'none' ? 'no Secret' : `only the Secrets of ${access.namespaces.join(', ')}`;
      problems.push({
        key: `clusters[${i}].secrets`,
        message: `reads more than ${modeKey}=${envName(access)} allows (the chart's rbac.mode: ${allowed}), so vigil would be refused; narrow it to that, or leave it out to follow the chart`,
      });
    }
  });
  return problems;
}

function envName(access: SecretAccess): string {
  return Object.entries(rbacModeAccess).find(([, m]) => m === access.mode)?.[0] ?? access.mode;
}
