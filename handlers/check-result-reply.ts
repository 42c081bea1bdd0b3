import type { SnapshotStore } from '../src/alerts/snapshot-store.js';
import type { ReplyMessage } from '../src/chat/chat-message.js';
import { checkNamed, checkTitle } from '../src/checks/check-names.js';
import type { ChatPlatformName } from '../src/domain/alert.js';
import type { RunnableCheckName } from '../src/domain/finding.js';
import { buildReply } from './build-reply.js';
import { commandHint } from './command-hint.js';
import { dataAgeFooter } from './data-age-footer.js';

export type RunState = 'completed' | 'failed' | 'pending';

/**
 * The late answer to `/k8s check CLUSTER`: one line per check with its counts and where to look,
 * read from the snapshots the runs just stored (the listing itself stays with `/k8s certs` etc.,
 * so the two never disagree).
 */
export async function checkResultReply(
  cluster: string,
  runs: { check: RunnableCheckName; state: RunState; reason?: string }[],
  deps: { snapshots: Pick<SnapshotStore, 'get'>; now(): Date; platform: ChatPlatformName },
): Promise<ReplyMessage> {
  const lines: string[] = [];
  let oldest: string | undefined;
  for (const run of runs) {
    const check = checkNamed(run.check);
    const name = checkTitle(check);
    if (run.state === 'failed') {
      lines.push(`${name}: the run failed (${run.reason ?? 'no reason given'}); it is retried with backoff.`);
      continue;
    }
    if (run.state === 'pending') {
      lines.push(
        `${name}: still running; ${commandHint(deps.platform, check.command.short, cluster)} shows it when done.`,
      );
      continue;
    }
    const snap = await deps.snapshots.get(cluster, run.check);
    if (!snap) {
      lines.push(`${name}: finished but stored no result.`);
      continue;
    }
    if (!oldest || snap.at < oldest) oldest = snap.at;
    const count = (s: string) => snap.findings.filter((f) => f.severity === s).length;
    const problems = snap.findings.length - count('ok');
    const reach = snap.reachable ? '' : ' (cluster unreachable)';
    lines.push(
      problems === 0
        ? `${name}${reach}: all ${snap.findings.length} ok.`
        : `${name}${reach}: ${count('critical')} critical, ${count('warning')} warning, ${count('unknown')} unknown, ${count('ok')} ok: ${commandHint(deps.platform, check.command.short, cluster)}`,
    );
  }
  return buildReply({
    title: `Checks on ${cluster} finished`,
    sections: [{ lines }],
    ...(oldest ? { footer: dataAgeFooter(oldest, deps.now()) } : {}),
    private: false,
  });
}
