import type { Unobserved } from '../../domain/finding.js';
import type { HostReportReader } from './host-report-reader.js';
import { remoteUnobservable } from './remote-unobservable.js';
import { stillUnobserved, type UnobservableCoverage } from './unobservable-coverage.js';

/** What one node with a fresh report covered. */
export interface NodeCoverage {
  node: string;
  coverage: readonly UnobservableCoverage[];
}

/** A node that reported once but cannot be counted now: stale, or its report cannot be read. */
export interface SilentNode {
  node: string;
  why: string;
}

const MAX_NAMES = 5;

function names(nodes: readonly string[]): string {
  const shown = nodes.slice(0, MAX_NAMES).join(', ');
  const more = nodes.length > MAX_NAMES ? ` and ${nodes.length - MAX_NAMES} more` : '';
  return `node${nodes.length === 1 ? '' : 's'} ${shown}${more}`;
}

/** `not present on nodes w-1, w-2`; `/etc/kubernetes/admin.conf: permission denied … on node cp-2`. */
function reasonsFor(id: string, covered: readonly NodeCoverage[]): string[] {
  const byReason = new Map<string, string[]>();
  for (const { node, coverage } of covered) {
    const c = coverage.find((x) => x.id === id);
    if (!c) continue;
    let why = (c.why ?? 'not read').replace(` on node ${node}`, '');
    if (why === 'not on this node') why = 'not present';
    else if (c.path !== undefined && !why.includes(c.path)) why = `${c.path}: ${why}`;
    byReason.set(why, [...(byReason.get(why) ?? []), node]);
  }
  return [...byReason].map(([why, nodes]) => `${why} on ${names(nodes)}`);
}

const everyItem = `certificates only the nodes hold (${remoteUnobservable.map((i) => i.id).join(', ')})`;

const howToObserve: Record<HostReportReader['mode'], string> = {
  none:
    'run `vigil check --host-root /` on a control-plane node, or `vigil agent` on the nodes with `vigil serve` (agent.enabled in the Helm chart); ' +
    'symptoms meanwhile show in `kubectl get --raw "/readyz?verbose"` ([-]etcd) and APIService Available=False',
  agents:
    'run `vigil agent` on the control-plane nodes (agent.enabled in the Helm chart; it tolerates their taints)',
  local: 'run `vigil check --host-root /` on a control-plane node',
};

/**
 * What `vigil check` cannot see from outside the nodes (remote-unobservable.ts) and no fresh node
 * report showed, as the cluster's "not observable" lines: one line when no node covered anything,
 * else one per item still missing, naming the nodes that do not have it and those that went silent.
 */
export function nodeGaps(
  mode: HostReportReader['mode'],
  covered: readonly NodeCoverage[],
  silent: readonly SilentNode[],
): Unobserved[] {
  const silentText = silent.map((s) => `node ${s.node} ${s.why}`);
  const anyCovered = covered.some((n) => n.coverage.some((c) => c.covered));
  if (!anyCovered) {
    const reported = names(covered.map((n) => n.node));
    let why: string;
    if (mode === 'none') why = "vigil check reads the API and TLS handshakes, not the nodes' files";
    else if (covered.length > 0)
      why =
        mode === 'local'
          ? `none of them on ${reported}`
          : `none of them on ${reported}, the nodes that reported`;
    else
      why = silent.length > 0 ? 'no node has a fresh report' : 'no node agent has reported for this cluster';
    return [{ what: everyItem, why: [why, ...silentText].join('; '), howToObserve: howToObserve[mode] }];
  }
  return stillUnobserved(covered.map((n) => n.coverage)).map((u) => {
    const item = remoteUnobservable.find((i) => i.what === u.what);
    const reasons = item ? reasonsFor(item.id, covered) : [u.why];
    return { ...u, why: [...reasons, ...silentText].join('; '), howToObserve: howToObserve[mode] };
  });
}
