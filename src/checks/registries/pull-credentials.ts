import { VigilError } from '../../domain/vigil-error.js';
import { describeSecretAccess, mayReadSecretsIn, type SecretAccess } from '../secret-access.js';
import {
  CredentialKeyring,
  makeCredential,
  parseDockerConfig,
  type PullCredential,
} from './credential-keyring.js';
import type { ImageReference } from './image-reference.js';
import type { ImageUser, RegistryReader, ServiceAccountPullSecrets } from './registry-reader.js';

export interface CredentialChoice {
  /** What the kubelet would try, in order; empty means an anonymous pull. */
  credentials: PullCredential[];
  /** Safe evidence lines: which secrets were considered and what was wrong with them. */
  notes: string[];
  /** Set when a pull secret could not be read (403, timeout): auth cannot be judged then. */
  unreadable?: string;
  /** Set when that pull secret was not asked for: this cluster's Secret access leaves it out. */
  unreadableByMode?: true;
  /** Pull secrets the workload names (pod's own, else its ServiceAccount's). */
  secretNames: string[];
}

type SecretEntries =
  | { ok: true; entries: { key: string; username: string; password: string }[] }
  | { ok: false; note: string; unreadable?: boolean; byMode?: true };

/**
 * Builds, per workload, the keyring the kubelet builds (MakeDockerKeyring): the pod's
 * imagePullSecrets, or its ServiceAccount's when the pod names none (the ServiceAccount admission
 * plugin copies them into every new pod). Secrets are fetched once each, by name; their values stay
 * in this object's memory and leave it only inside PullCredential, which prints as its origin.
 */
export class PullCredentials {
  private readonly cache = new Map<string, Promise<SecretEntries>>();
  private readonly serviceAccounts: Map<string, string[]>;

  constructor(
    private readonly reader: RegistryReader,
    serviceAccounts: readonly ServiceAccountPullSecrets[],
    /** Where pull secrets may be read (secret-access.ts); others are not asked for. */
    private readonly access: SecretAccess,
  ) {
    this.serviceAccounts = new Map(
      serviceAccounts.map((s) => [`${s.namespace}/${s.name}`, s.imagePullSecrets]),
    );
  }

  async forImage(user: ImageUser, image: ImageReference): Promise<CredentialChoice> {
    const own = user.imagePullSecrets;
    const fromSa = this.serviceAccounts.get(`${user.namespace}/${user.serviceAccountName}`) ?? [];
    const secretNames = own.length > 0 ? own : fromSa;
    const notes: string[] = [];
    const keyring = new CredentialKeyring();
    let unreadable: string | undefined;
    let unreadableByMode = false;
    for (const name of secretNames) {
      const entries = await this.entries(user.namespace, name);
      if (!entries.ok) {
        notes.push(entries.note);
        if (entries.unreadable && unreadable === undefined) {
          unreadable = entries.note;
          unreadableByMode = entries.byMode === true;
        }
        continue;
      }
      for (const e of entries.entries) {
        keyring.add(
          e.key,
          makeCredential(`pull secret ${user.namespace}/${name}`, e.username, e.password, e.key),
        );
      }
    }
    const credentials = keyring.lookup(image.name);
    const source =
      own.length > 0 ? 'its imagePullSecrets' : `ServiceAccount ${user.namespace}/${user.serviceAccountName}`;
    if (secretNames.length === 0)
      notes.push(`no imagePullSecrets (pod or ServiceAccount ${user.namespace}/${user.serviceAccountName})`);
    else if (credentials.length === 0 && !unreadable) {
      notes.push(
        `none of the pull secrets from ${source} (${secretNames.map((n) => `${user.namespace}/${n}`).join(', ')}) matches ${image.domain}`,
      );
    }
    return {
      credentials,
      notes,
      secretNames,
      ...(unreadable ? { unreadable } : {}),
      ...(unreadableByMode ? { unreadableByMode: true as const } : {}),
    };
  }

  private entries(namespace: string, name: string): Promise<SecretEntries> {
    const key = `${namespace}/${name}`;
    let p = this.cache.get(key);
    if (!p) {
      p = this.load(namespace, name);
      this.cache.set(key, p);
    }
    return p;
  }

  private async load(namespace: string, name: string): Promise<SecretEntries> {
    const label = `pull secret ${namespace}/${name}`;
    // Not asked for at all: RBAC would refuse it, and the mode, not a 403, is the reason.
    if (!mayReadSecretsIn(this.access, namespace)) {
      return {
        ok: false,
        note: `${label} not read (${describeSecretAccess(this.access)})`,
        unreadable: true,
        byMode: true,
      };
    }
    let secret;
    try {
      secret = await this.reader.pullSecret(namespace, name);
    } catch (err) {
      const why = err instanceof VigilError ? err.userMessage : String(err);
      return { ok: false, note: `cannot read ${label}: ${why}`, unreadable: true };
    }
    if (!secret.found) return { ok: false, note: `${label} does not exist (the kubelet pulls without it)` };
    // MakeDockerKeyring reads only these two types, each from its own key.
    const dataKey =
      secret.type === 'kubernetes.io/dockerconfigjson'
        ? '.dockerconfigjson'
        : secret.type === 'kubernetes.io/dockercfg'
          ? '.dockercfg'
          : undefined;
    if (!dataKey) {
      return {
        ok: false,
        note: `${label} has type ${secret.type || '(none)'}; the kubelet only reads kubernetes.io/dockerconfigjson and kubernetes.io/dockercfg`,
      };
    }
    const raw = secret.data[dataKey];
    if (!raw) return { ok: false, note: `${label} has no ${dataKey} key` };
    const parsed = parseDockerConfig(Buffer.from(raw, 'base64').toString('utf8'), dataKey === '.dockercfg');
    if (!parsed.ok) return { ok: false, note: `${label}: ${dataKey} is unusable (${parsed.error})` };
    return { ok: true, entries: parsed.entries };
  }
}
