/**
 * Which Secrets vigil reads in a cluster: every one (`all`), those of a namespace list
 * (`namespaces`), or none. Kubernetes RBAC cannot restrict reads by Secret type, so this is what a
 * security review decides; the Helm chart grants the matching rules (deploy/helm/vigil values.yaml
 * `rbac.mode`) and tells vigil through VIGIL_RBAC_MODE (src/config/rbac-env.ts). vigil then asks
 * only for what it may read: what it leaves out is a "not observed" line naming the mode, never a
 * 403 reported as an error.
 */
export const secretAccessModes = ['all', 'namespaces', 'none'] as const;
export type SecretAccessMode = (typeof secretAccessModes)[number];

export interface SecretAccess {
  readonly mode: SecretAccessMode;
  /** With mode `namespaces`: where Secrets are read, in the order given; empty otherwise. */
  readonly namespaces: readonly string[];
  /**
   * Who set it, for the messages: the chart's `rbac.mode` through VIGIL_RBAC_MODE (`env`), the
   * cluster's `secrets:` in vigil.yaml (`config`), or nobody (`default`, every Secret).
   */
  readonly setBy: 'env' | 'config' | 'default';
}

/** The chart's rbac.mode names (VIGIL_RBAC_MODE) and the mode each one means here. */
export const rbacModeAccess: Readonly<Record<string, SecretAccessMode>> = {
  full: 'all',
  namespaced: 'namespaces',
  noSecrets: 'none',
};
const rbacModeOf: Record<SecretAccessMode, string> = {
  all: 'full',
  namespaces: 'namespaced',
  none: 'noSecrets',
};

export const namespaceNamePattern = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

export const everySecret: SecretAccess = Object.freeze({ mode: 'all', namespaces: [], setBy: 'default' });

/** What vigil may read of Secrets in this cluster (src/config/load-config.ts has settled it). */
export function secretAccessOf(cluster: { secrets?: SecretAccess | undefined }): SecretAccess {
  return cluster.secrets ?? everySecret;
}

export function mayReadSecretsIn(access: SecretAccess, namespace: string): boolean {
  return access.mode === 'all' || (access.mode === 'namespaces' && access.namespaces.includes(namespace));
}

/** Whether `narrow` reads no Secret that `wide` does not: a vigil.yaml setting may narrow the chart's mode. */
export function withinSecretAccess(narrow: SecretAccess, wide: SecretAccess): boolean {
  if (wide.mode === 'all' || narrow.mode === 'none') return true;
  if (wide.mode === 'none') return false;
  return narrow.mode === 'namespaces' && narrow.namespaces.every((n) => wide.namespaces.includes(n));
}

/** The mode as the operator set it: `rbac mode namespaced` (the chart) or `secrets mode namespaces` (vigil.yaml). */
export function describeSecretAccess(access: SecretAccess): string {
  return access.setBy === 'env' ? `rbac mode ${rbacModeOf[access.mode]}` : `secrets mode ${access.mode}`;
}

/** The Secrets left unread, e.g. `outside apps, payments`; empty in mode all. */
function unread(access: SecretAccess): string {
  return access.mode === 'namespaces' ? ` outside ${access.namespaces.join(', ')}` : '';
}

/**
 * A "not observed" line for Secrets this mode leaves unread (nothing in mode all). `what` names the
 * data ("TLS Secrets"), `still` what vigil sees of it anyway, for the line's way to observe it.
 */
export function unreadSecrets(
  access: SecretAccess,
  cluster: string,
  what: string,
  still: string,
): { what: string; why: string; howToObserve: string } | undefined {
  if (access.mode === 'all') return undefined;
  const reads = access.mode === 'none' ? 'no Secret' : `Secrets only in ${access.namespaces.join(', ')}`;
  const why =
    access.setBy === 'env'
      ? `the chart's rbac.mode (VIGIL_RBAC_MODE) lets vigil read ${reads}, so it asks for ${access.mode === 'none' ? 'none' : 'no other'}`
      : `clusters[].secrets of cluster ${cluster} in vigil.yaml has vigil read ${reads}`;
  const widen =
    access.setBy === 'env'
      ? `to read them, ${access.mode === 'none' ? 'set rbac.mode namespaced (with their namespaces in rbac.namespaces)' : "add their namespaces to the chart's rbac.namespaces"} or set rbac.mode full (deploy/README.md "Access: least privilege")`
      : `to read them, grant vigil get/list on secrets there and widen clusters[].secrets of ${cluster}`;
  return {
    what: `${what}${unread(access)} (${describeSecretAccess(access)})`,
    why,
    howToObserve: `${still}; ${widen}`,
  };
}
