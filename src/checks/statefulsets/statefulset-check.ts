import type { Finding, Unobserved } from '../../domain/finding.js';
import type { Check, CheckContext, CheckResult } from '../check.js';
import { mapLimit } from '../map-limit.js';
import { summaryTable } from '../table-section.js';
import { analyzeStatefulSet } from './analyze-statefulset.js';
import { observeStatefulSet, type ObserveDeps } from './observe-statefulset.js';
import { ReadGaps } from './read-gaps.js';
import { statefulSetFinding } from './statefulset-finding.js';
import type { StatefulSetReader } from './statefulset-reader.js';
import { judgeStatefulSet } from './statefulset-severity.js';

const PAGE_SIZE = 100;
/** StatefulSets examined at once; each costs one pod list, plus a few reads when unhealthy. */
const CONCURRENCY = 8;

function scopeNotes(ctx: CheckContext): Unobserved[] {
  const { include, exclude } = ctx.config.statefulsets.namespaces;
  const out: Unobserved[] = [];
  if (include.length > 0) {
    out.push({
      what: `StatefulSets outside namespaces ${include.join(', ')}`,
      why: 'statefulsets.namespaces.include limits the check to these',
      howToObserve: 'add namespaces to statefulsets.namespaces.include, or remove the list to watch all',
    });
  } else if (exclude.length > 0) {
    out.push({
      what: `StatefulSets in namespaces ${exclude.join(', ')}`,
      why: 'excluded by statefulsets.namespaces.exclude',
      howToObserve: 'remove them from statefulsets.namespaces.exclude',
    });
  }
  return out;
}

/**
 * StatefulSet readiness (DOMAIN.md section 3): one finding per StatefulSet, `ok` when healthy, scaled
 * to zero or settling within the grace period, and otherwise what blocks, since when, what waits
 * behind it and the next step. Reads that fail become `access` findings; the rest still reports.
 */
export const statefulSetCheck: Check<'statefulsets', StatefulSetReader> = {
  name: 'statefulsets',
  label: { one: 'StatefulSet', many: 'StatefulSets' },
  // A stuck StatefulSet is an outage in progress.
  schedule: { pattern: '*/2 * * * *', meaning: 'every 2 minutes' },
  command: {
    words: ['statefulsets', 'statefulset', 'sts'],
    short: 'sts',
    usage: 'statefulsets|sts [cluster]',
    description: 'StatefulSets that are not ready, and what blocks them',
    flags: [],
    allClear: 'All StatefulSets ready',
    menu: 'StatefulSets that are not ready, and what blocks them.',
  },
  table: summaryTable,
  // Imported on first use: the registry loads without src/kube (check.ts ReaderFactory).
  reader: async ({ target }) =>
    new (await import('../../kube/kube-statefulset-reader.js')).KubeStatefulSetReader(target.kube),
  unobserved(ctx) {
    if (ctx.apiReachable) return scopeNotes(ctx);
    return [
      {
        what: 'StatefulSet readiness',
        why: 'the API server could not be reached (see the cluster finding)',
        howToObserve: 'fix API access',
      },
    ];
  },
  async run(ctx): Promise<CheckResult> {
    if (!ctx.apiReachable) return { findings: [], unobserved: [] };
    const cfg = ctx.config.statefulsets;
    const graceMs = cfg.gracePeriodMinutes * 60_000;
    const gaps = new ReadGaps(ctx.cluster.name);
    const deps: ObserveDeps = { reader: ctx.reader, gaps, nodes: new Map(), now: ctx.now };
    const { include, exclude } = cfg.namespaces;
    const findings: Finding[] = [];

    // With an include list, each namespace is listed on its own: a Role per namespace then suffices.
    const scopes = include.length > 0 ? include.map((namespace) => ({ namespace })) : [{}];
    for (const scope of scopes) {
      await gaps.attempt({ verb: 'list', resource: 'statefulsets', ...scope }, async () => {
        const pages = deps.reader.statefulSetPages({
          ...scope,
          excludeNamespaces: include.length > 0 ? [] : exclude,
          pageSize: PAGE_SIZE,
        });
        for await (const page of pages) {
          const wanted = page.filter((s) => !exclude.includes(s.namespace));
          findings.push(
            ...(await mapLimit(wanted, CONCURRENCY, async (sts) => {
              const obs = await observeStatefulSet(deps, sts);
              const analysis = analyzeStatefulSet(obs, ctx.now);
              const verdict = judgeStatefulSet(analysis, graceMs, ctx.now);
              return statefulSetFinding(ctx.cluster.name, analysis, verdict, {
                graceMs,
                now: ctx.now,
                unreadable: obs.unreadable,
              });
            })),
          );
        }
      });
    }
    return {
      findings: [...findings, ...gaps.findings()],
      unobserved: gaps.unobserved(),
    };
  },
};
