import { urlsMatch } from './credential-keyring.js';
import { normaliseRegistryHost, parseImageReference, type ImageReference } from './image-reference.js';
import type { ImageUser, PullFailureEvent } from './registry-reader.js';

/** One image in use: who pulls it. */
export interface ImageUse {
  ref: ImageReference;
  /** As written in the spec, for messages. */
  text: string;
  users: ImageUser[];
}

/** A pod that cannot pull right now, from its container status or a `Failed to pull image` event. */
export interface FailingPod {
  pod: string;
  workload: string;
  image: string;
  reason: string;
  message?: string;
  since?: string;
}

export interface RegistryUsage {
  registry: string;
  /** Image from `registries.extra`, when the entry named one. */
  configImage?: ImageReference;
  fromConfig: boolean;
  /** `deployment shop/web` → images it pulls from here. */
  workloads: Map<string, Set<string>>;
  images: Map<string, ImageUse>;
  failingPods: FailingPod[];
}

export interface Discovery {
  registries: Map<string, RegistryUsage>;
  /** Image strings the kubelet itself cannot parse (pods stuck in InvalidImageName). */
  invalid: { image: string; workload: string; error: string }[];
}

/**
 * Groups every image in use by registry (distribution/reference rules), adds `registries.extra`,
 * drops `registries.ignore`, and attaches the workloads that would fail on their next pull plus the
 * pods already failing (ErrImagePull / ImagePullBackOff, `Failed to pull image` events).
 */
export function discoverRegistries(
  users: readonly ImageUser[],
  events: readonly PullFailureEvent[],
  cfg: { extra: readonly string[]; ignore: readonly string[] },
): Discovery {
  const registries = new Map<string, RegistryUsage>();
  const invalid: Discovery['invalid'] = [];
  const ignored = (registry: string) =>
    cfg.ignore.some((p) => {
      const pattern = normaliseRegistryHost(p);
      return pattern === registry || (pattern.includes('*') && urlsMatch(pattern, registry));
    });
  const usage = (registry: string): RegistryUsage | undefined => {
    if (ignored(registry)) return undefined;
    let u = registries.get(registry);
    if (!u) {
      u = { registry, fromConfig: false, workloads: new Map(), images: new Map(), failingPods: [] };
      registries.set(registry, u);
    }
    return u;
  };
  const workloadOf = workloadResolver(users);
  const pods = new Map(users.filter((u) => u.kind === 'Pod').map((u) => [`${u.namespace}/${u.name}`, u]));

  for (const user of users) {
    const workload = workloadOf(user);
    for (const c of user.images) {
      const parsed = parseImageReference(c.image);
      if (!parsed.ok) {
        if (!invalid.some((i) => i.image === c.image && i.workload === workload)) {
          invalid.push({ image: c.image, workload, error: parsed.error });
        }
        continue;
      }
      const u = usage(parsed.image.registry);
      if (!u) continue;
      const key = `${parsed.image.name}:${parsed.image.reference}`;
      const use = u.images.get(key) ?? { ref: parsed.image, text: c.image, users: [] };
      use.users.push(user);
      u.images.set(key, use);
      const set = u.workloads.get(workload) ?? new Set<string>();
      set.add(c.image);
      u.workloads.set(workload, set);
    }
    for (const e of user.pullErrors ?? []) {
      const parsed = parseImageReference(e.image);
      if (!parsed.ok) continue;
      usage(parsed.image.registry)?.failingPods.push({
        pod: `${user.namespace}/${user.name}`,
        workload,
        image: e.image,
        reason: e.reason,
        ...(e.message ? { message: e.message } : {}),
        ...(user.notReadySince ? { since: user.notReadySince } : {}),
      });
    }
  }

  for (const e of events) {
    const image = /^Failed to pull image "([^"]+)"/.exec(e.message)?.[1];
    const parsed = image ? parseImageReference(image) : undefined;
    if (!image || !parsed?.ok) continue;
    const u = usage(parsed.image.registry);
    if (!u) continue;
    const pod = `${e.namespace}/${e.pod}`;
    const existing = u.failingPods.find((f) => f.pod === pod);
    if (existing) {
      // The event knows when pulling started failing; the pod status only that it is failing.
      if (e.firstSeen && (!existing.since || e.firstSeen < existing.since)) existing.since = e.firstSeen;
      existing.message ??= e.message;
      continue;
    }
    const owner = pods.get(pod);
    u.failingPods.push({
      pod,
      workload: owner ? workloadOf(owner) : `pod ${pod}`,
      image,
      reason: `Failed (${e.count}×)`,
      message: e.message,
      ...(e.firstSeen ? { since: e.firstSeen } : {}),
    });
  }

  for (const entry of cfg.extra) {
    // With a `/` the entry is an image; otherwise a registry (`myreg:5000` here is not Docker Hub).
    const parsed = entry.includes('/') ? parseImageReference(entry) : undefined;
    const registry = parsed?.ok ? parsed.image.registry : normaliseRegistryHost(entry);
    const u = usage(registry);
    if (!u) continue;
    u.fromConfig = true;
    if (parsed?.ok) u.configImage = parsed.image;
  }
  return { registries, invalid };
}

/**
 * Names the workload a pod belongs to, so the blast radius reads `deployment shop/web` rather than a
 * list of pod names: a ReplicaSet named `<deployment>-<pod-template-hash>` belongs to that
 * Deployment, a Job named `<cronjob>-<minutes>` to that CronJob, when those exist.
 */
export function workloadResolver(users: readonly ImageUser[]): (u: ImageUser) => string {
  const known = new Set(
    users.filter((u) => u.kind !== 'Pod').map((u) => `${u.kind}/${u.namespace}/${u.name}`),
  );
  return (u) => {
    if (u.kind !== 'Pod') return `${u.kind.toLowerCase()} ${u.namespace}/${u.name}`;
    const owner = u.owner;
    if (!owner) return `pod ${u.namespace}/${u.name}`;
    if (owner.kind === 'ReplicaSet' && u.podTemplateHash && owner.name.endsWith(`-${u.podTemplateHash}`)) {
      const deployment = owner.name.slice(0, -(u.podTemplateHash.length + 1));
      if (known.has(`Deployment/${u.namespace}/${deployment}`))
        return `deployment ${u.namespace}/${deployment}`;
    }
    if (owner.kind === 'Job') {
      const cronJob = owner.name.replace(/-\d+$/, '');
      if (known.has(`CronJob/${u.namespace}/${cronJob}`)) return `cronjob ${u.namespace}/${cronJob}`;
    }
    return `${owner.kind.toLowerCase()} ${u.namespace}/${owner.name}`;
  };
}
