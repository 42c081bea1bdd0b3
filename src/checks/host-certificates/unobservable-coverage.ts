import type { Unobserved } from '../../domain/finding.js';
import type { HostCertificateRow } from './host-certificate-row.js';
import { remoteUnobservable, type UnobservableItemId } from './remote-unobservable.js';

export interface UnobservableCoverage {
  id: UnobservableItemId;
  what: string;
  covered: boolean;
  /** The file that covered it (node path). */
  path?: string;
  /** Why this node did not cover it. */
  why?: string;
}

/**
 * Which of the items `vigil check` cannot see remotely this node's files covered. An item counts as
 * covered only when its certificate was read; a file that exists but cannot be read is still a gap.
 */
export function unobservableCoverage(rows: readonly HostCertificateRow[]): UnobservableCoverage[] {
  return remoteUnobservable.map(({ id, what }): UnobservableCoverage => {
    const mine = rows.filter((r) => r.covers === id);
    const read = mine.find((r) => r.status === 'ok');
    if (read) return { id, what, covered: true, path: read.path };
    const broken = mine.find((r) => r.status === 'unreadable');
    if (broken)
      return { id, what, covered: false, path: broken.path, why: broken.problem ?? 'cannot be read' };
    const other = mine[0];
    if (other?.status === 'no-client-certificate')
      return { id, what, covered: false, path: other.path, why: 'no client certificate in it' };
    if (other)
      return {
        id,
        what,
        covered: false,
        path: other.path,
        why: `${other.path} is missing on node ${other.node}`,
      };
    return { id, what, covered: false, why: 'not on this node' };
  });
}

/**
 * The items no node covered, as unobserved lines for a report. `coverages` holds one list per node
 * (from unobservableCoverage); an item is seen once any node covered it.
 */
export function stillUnobserved(coverages: readonly (readonly UnobservableCoverage[])[]): Unobserved[] {
  return remoteUnobservable
    .filter(({ id }) => !coverages.some((list) => list.some((c) => c.id === id && c.covered)))
    .map(({ id, what }) => {
      const reasons = [
        ...new Set(coverages.flatMap((list) => list.filter((c) => c.id === id).map((c) => c.why ?? ''))),
      ].filter((r) => r.length > 0);
      return {
        what,
        why: reasons.length > 0 ? reasons.join('; ') : 'no node reported it',
        howToObserve: 'run the node agent (or `vigil check --host-root /`) on a control-plane node',
      };
    });
}
