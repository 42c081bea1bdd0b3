import type { ImageUse, RegistryUsage } from './discover-registries.js';
import type { ImageReference } from './image-reference.js';
import type { CredentialChoice, PullCredentials } from './pull-credentials.js';
import type { ImageUser } from './registry-reader.js';

/** Workloads of one registry that send the same credentials, and the image to probe them with. */
export interface PullGroup {
  id: string;
  ref: ImageReference;
  image: string;
  user?: ImageUser;
  probedAs?: string;
  workloads: string[];
  credentials?: CredentialChoice;
}

/**
 * Workloads that send different credentials (one namespace's pull secret is stale, another's is
 * fine) fail or pull independently, so the probe asks once per distinct credential set, not once per
 * registry. Groups with pods already failing come first; at most `max` are probed, the rest listed.
 */
export async function pullGroups(
  usage: RegistryUsage,
  credentials: PullCredentials,
  labelOf: (u: ImageUser) => string,
  max: number,
): Promise<{ groups: PullGroup[]; unprobed: string[] }> {
  const failingImages = new Set(usage.failingPods.map((f) => f.image));
  const failingPods = new Set(usage.failingPods.map((f) => f.pod));
  // Per workload, one (user, image): a failing pod and its image first, then templates before pods
  // (templates make the next pods), then the image most workloads use.
  const candidates: { label: string; user: ImageUser; use: ImageUse; rank: number }[] = [];
  for (const use of usage.images.values()) {
    for (const user of use.users) {
      const failingPod = user.kind === 'Pod' && failingPods.has(`${user.namespace}/${user.name}`);
      const rank = (failingPod && failingImages.has(use.text) ? 0 : 2) + (user.kind === 'Pod' ? 1 : 0);
      candidates.push({ label: labelOf(user), user, use, rank });
    }
  }
  candidates.sort(
    (a, b) =>
      a.rank - b.rank || b.use.users.length - a.use.users.length || a.use.text.localeCompare(b.use.text),
  );
  const perWorkload = new Map<string, (typeof candidates)[number]>();
  for (const c of candidates) if (!perWorkload.has(c.label)) perWorkload.set(c.label, c);

  const byKey = new Map<string, PullGroup & { rank: number }>();
  for (const [label, c] of [...perWorkload].sort(([a], [b]) => a.localeCompare(b))) {
    const choice = await credentials.forImage(c.user, c.use.ref);
    const key = choice.unreadable
      ? 'unreadable'
      : choice.credentials.map((x) => `${x.origin} ${x.key ?? ''}`).join(', ') || 'anonymous';
    const group = byKey.get(key);
    if (group) {
      group.workloads.push(label);
      // The group is probed with a failing pod's image when it has one.
      if (c.rank < group.rank)
        Object.assign(group, {
          ref: c.use.ref,
          image: c.use.text,
          user: c.user,
          probedAs: label,
          rank: c.rank,
          credentials: choice,
        });
      continue;
    }
    byKey.set(key, {
      id: key,
      ref: c.use.ref,
      image: c.use.text,
      user: c.user,
      probedAs: label,
      workloads: [label],
      credentials: choice,
      rank: c.rank,
    });
  }
  const ranked = [...byKey.values()].sort(
    (a, b) => a.rank - b.rank || b.workloads.length - a.workloads.length || a.id.localeCompare(b.id),
  );
  const groups: PullGroup[] = ranked.slice(0, max).map(({ rank: _rank, ...g }) => g);
  const unprobed = ranked.slice(max).flatMap((g) => g.workloads);
  if (groups.length === 0 && usage.configImage) {
    const ref = usage.configImage;
    groups.push({
      id: 'registries.extra',
      ref,
      image: `${ref.name}${ref.digest ? `@${ref.digest}` : `:${ref.reference}`}`,
      workloads: [],
    });
  }
  return { groups, unprobed };
}
