import type { RunSummary, SnapshotIndex } from '../src/alerts/snapshot-index.js';
import { checkNamed } from '../src/checks/check-names.js';
import type { ChatPlatformName } from '../src/domain/alert.js';
import type { RunnableCheckName } from '../src/domain/finding.js';
import type { ReplySection } from './build-reply.js';
import { cleanText } from '../src/chat/clean-text.js';
import { commandHint } from './command-hint.js';
import { utcMinute } from '../src/time/utc-minute.js';
import { dataAgeFooter } from './data-age-footer.js';

export interface LoadedSnapshots {
  /** The summaries of the latest runs, in the order of the clusters asked for. */
  present: RunSummary[];
  /** Clusters this check has not finished on yet (vigil just started, or the scheduler is down). */
  missing: string[];
}

/** The latest run of `check` on each cluster, in sum: a few hundred bytes each, never the findings. */
export async function loadSnapshots(
  store: Pick<SnapshotIndex, 'summaries'>,
  clusters: readonly string[],
  check: RunnableCheckName,
): Promise<LoadedSnapshots> {
  const found = await store.summaries(check, clusters);
  const present: RunSummary[] = [];
  const missing: string[] = [];
  found.forEach((s, i) => (s ? present.push(s) : missing.push(clusters[i] ?? '')));
  return { present, missing };
}

/** The oldest run answered from: one stale cluster makes the whole answer that old. */
export function snapshotFooter(present: readonly Pick<RunSummary, 'at'>[], now: Date): string | undefined {
  const oldest = present.map((s) => s.at).sort()[0];
  return oldest ? dataAgeFooter(oldest, now) : undefined;
}

/**
 * What the answer cannot vouch for: clusters with no results yet, clusters unreachable at their last
 * run, and what the check cannot observe in this mode (so silence is never read as safety).
 */
export function snapshotNotes(
  loaded: LoadedSnapshots,
  check: RunnableCheckName,
  platform: ChatPlatformName,
): ReplySection[] {
  const lines: string[] = [];
  for (const cluster of loaded.missing) {
    lines.push(
      `${cluster}: no results yet. The first run happens right after vigil starts; or run it now with ${commandHint(platform, 'check', cluster, checkNamed(check).command.short)}.`,
    );
  }
  for (const s of loaded.present.filter((p) => !p.reachable)) {
    lines.push(
      `${s.cluster} was not reachable at the last run (${utcMinute(s.at)}): what is listed for it may be incomplete.`,
    );
  }
  const unobserved = [...new Set(loaded.present.flatMap((s) => s.unobserved.map((u) => u.what)))];
  if (unobserved.length > 0) {
    const shown = unobserved.slice(0, 4).join('; ');
    const more = unobserved.length > 4 ? `; and ${unobserved.length - 4} more` : '';
    lines.push(
      cleanText(`Not observable in this mode: ${shown}${more} (vigil check lists how to observe them).`, 280),
    );
  }
  return lines.length > 0 ? [{ heading: 'Note', lines }] : [];
}
