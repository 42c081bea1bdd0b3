import type { ReplyMessage } from '../src/chat/chat-message.js';
import type { Check } from '../src/checks/check.js';
import { checkTitle } from '../src/checks/check-names.js';
import { worstFirst } from '../src/alerts/index-snapshot.js';
import { buildReply, type ReplySection } from './build-reply.js';
import { commandHint } from './command-hint.js';
import type { CommandRequest } from '../src/chat/chat-message.js';
import type { HandlerDeps } from './handler-deps.js';
import { listingPage } from './listing-page.js';
import { loadSnapshots, snapshotFooter, snapshotNotes } from './load-snapshots.js';
import { moreLine, pageSuffix } from './paginate.js';
import type { ParsedCommand } from './parse-command.js';
import { selectClusters } from './select-clusters.js';

/**
 * `/k8s <check> [cluster]` for every check without a command of its own (`/k8s sts`,
 * `/k8s registries`): what is not ok in the latest stored run, worst first, one line each,
 * paginated. The finding's summary already names the object and cause. Worded from the check's
 * registry entry: `short` in hints and audits, `label` in counts and titles.
 */
export async function listFindings(
  check: Check,
  cmd: ParsedCommand,
  request: CommandRequest,
  deps: HandlerDeps,
): Promise<ReplyMessage> {
  const listing = {
    word: check.command.short,
    noun: check.label,
    problemTitle: `${checkTitle(check)} with problems`,
    quietTitle: check.command.allClear ?? `All ${check.label.many} ok`,
  };
  const selection = await selectClusters(listing.word, cmd.args[0], request, deps);
  if (!selection.ok) return selection.reply;
  const now = deps.now();
  const loaded = await loadSnapshots(deps.snapshots, selection.clusters, check.name);
  const checked = loaded.present.reduce((n, s) => n + s.total, 0);
  const page = await listingPage(
    deps.snapshots,
    loaded.present,
    { order: 'worst-first' },
    worstFirst,
    cmd.flags.page ?? 1,
  );
  if (!page.ok) return buildReply({ title: `No such page: ${page.problem}` });
  const problems = page.total;

  const many = selection.clusters.length > 1;
  const where = many ? 'on the clusters visible here' : `on ${selection.clusters[0]}`;
  const lines = page.items.map((f) => [...(many ? [f.cluster] : []), f.severity, f.summary].join(' · '));
  if (page.remaining > 0) {
    const next = commandHint(
      request.platform,
      listing.word,
      cmd.args[0]?.toLowerCase(),
      '--page',
      String(page.page + 1),
    );
    lines.push(moreLine(page.remaining, next));
  }
  if (problems === 0 && loaded.present.length > 0) {
    lines.push(
      `${checked} ${checked === 1 ? listing.noun.one : listing.noun.many} checked, none with a problem.`,
    );
  }
  const sections: ReplySection[] = [{ lines }];
  if (page.page === 1) {
    if (page.items.length > 0 && page.items[0]?.nextStep) {
      sections.push({ heading: 'Next step for the first one', lines: [page.items[0].nextStep] });
    }
    sections.push(...snapshotNotes(loaded, check.name, request.platform));
    if (selection.hidden.length > 0) {
      sections.push({ lines: [`Not shown in this channel: ${selection.hidden.join(', ')} (restricted).`] });
    }
  }
  const footer = snapshotFooter(loaded.present, now);
  // No run yet is not "all is well": silence must never read as safety.
  const title =
    loaded.present.length === 0
      ? `No ${listing.noun.one} results yet ${where}`
      : problems > 0
        ? `${listing.problemTitle} ${where}: ${problems}`
        : `${listing.quietTitle} ${where}`;
  return buildReply({
    title: title + pageSuffix(page.page, page.pages),
    private: false,
    sections: sections.filter((s) => s.lines.length > 0),
    ...(footer ? { footer } : {}),
  });
}
