import type { Finding } from '../domain/finding.js';
import { compareSeverity, type Severity } from '../domain/severity.js';
import type { CheckSnapshot } from './snapshot-store.js';
import type { ListedFinding, ListedKey, RunSummary } from './snapshot-index.js';

/** The fields the listing orders compare; a ListedKey, or a finding about to be stored. */
type Ordered = Pick<ListedKey, 'cluster' | 'severity' | 'notAfter' | 'object'>;

/** Worst severity first, then cluster and object: the order of `/k8s sts` and the other listings. */
export function worstFirst(a: Ordered, b: Ordered): number {
  return (
    compareSeverity(b.severity, a.severity) ||
    a.cluster.localeCompare(b.cluster) ||
    a.object.localeCompare(b.object)
  );
}

/** Soonest expiry first; undated (unparsable data) after the dated ones; worst first on ties. */
export function soonestFirst(a: Ordered, b: Ordered): number {
  const byDate = (a.notAfter ?? Infinity) - (b.notAfter ?? Infinity);
  if (byDate !== 0 && !Number.isNaN(byDate)) return byDate;
  return worstFirst(a, b);
}

/** A certificate's notAfter, or the finding's own (a cert-manager status), in ms; undefined when unparsable. */
export function notAfterOf(f: Pick<ListedFinding, 'notAfter' | 'certificate'>): number | undefined {
  const iso = f.certificate?.notAfter ?? f.notAfter;
  const ms = iso === undefined ? NaN : Date.parse(iso);
  return Number.isNaN(ms) ? undefined : ms;
}

/** What a listing line needs of a finding (ListedFinding). */
export function listedFinding(f: Finding): ListedFinding {
  const c = f.certificate;
  return {
    cluster: f.cluster,
    check: f.check,
    severity: f.severity,
    source: f.source,
    object: f.object,
    summary: f.summary,
    ...(f.nextStep !== undefined ? { nextStep: f.nextStep } : {}),
    ...(f.notAfter !== undefined ? { notAfter: f.notAfter } : {}),
    ...(c
      ? {
          certificate: {
            subject: c.subject,
            isCa: c.isCa,
            expiry: c.expiry,
            notBefore: c.notBefore,
            notAfter: c.notAfter,
          },
        }
      : {}),
  };
}

// A list member carries what ordering across runs compares, so a page of 200 clusters is merged
// from the members alone and only the 20 shown findings are read. The id comes first and is
// zero-padded: sorted-set members with equal scores (many certificates share a notAfter) are ordered
// by their bytes, so the `dated` list keeps the exact soonest-first order of the run. Fields are
// separated by tabs, and a run's members travel joined by newlines (redis-snapshot-store.ts), so the
// object escapes both (and `%`, the escape).
const SEP = '\t';

function escapeObject(object: string): string {
  return /[%\t\n]/.test(object)
    ? object.replace(/%/g, '%25').replace(/\t/g, '%09').replace(/\n/g, '%0A')
    : object;
}

function unescapeObject(text: string): string {
  return text.includes('%')
    ? text.replace(/%(25|09|0A)/g, (_, c: string) => decodeURIComponent(`%${c}`))
    : text;
}

function encodeMember(id: string, severity: Severity, notAfter: number | undefined, object: string): string {
  return [id, severity, notAfter === undefined ? '' : String(notAfter), escapeObject(object)].join(SEP);
}

/** A stored list member back into its key. */
export function decodeMember(
  member: string,
  run: Pick<RunSummary, 'cluster' | 'check' | 'version'>,
  rank: number,
): ListedKey {
  const a = member.indexOf(SEP);
  const b = member.indexOf(SEP, a + 1);
  const c = member.indexOf(SEP, b + 1);
  const notAfter = member.slice(b + 1, c);
  return {
    cluster: run.cluster,
    check: run.check,
    version: run.version,
    id: member.slice(0, a),
    severity: member.slice(a + 1, b) as Severity,
    ...(notAfter !== '' ? { notAfter: Number(notAfter) } : {}),
    object: unescapeObject(member.slice(c + 1)),
    rank,
  };
}

export interface SnapshotListing {
  summary: RunSummary;
  /** Findings not ok, worst first (members). */
  worstFirst: string[];
  /** Findings not ok, soonest expiry first (members). */
  soonestFirst: string[];
  /** Every dated finding, soonest first, with its notAfter (ms) as score. */
  dated: { score: number; member: string }[];
  /** Id -> what its line shows, for every finding in one of the lists. */
  findings: Map<string, ListedFinding>;
}

/**
 * The lists one run is stored in (see ListingRange). Pure, so the Redis store and the tests' memory
 * store hold the same lists. Sorts are stable: fully equal findings keep the run's order.
 */
export function indexSnapshot(snapshot: CheckSnapshot, version: string): SnapshotListing {
  const rows = snapshot.findings.map((f) => ({
    finding: f,
    cluster: f.cluster,
    severity: f.severity,
    object: f.object,
    ...(notAfterOf(f) !== undefined ? { notAfter: notAfterOf(f) } : {}),
    member: '',
  }));
  const bySoonest = [...rows].sort(soonestFirst);
  const width = Math.max(6, String(bySoonest.length).length);
  bySoonest.forEach((r, i) => {
    r.member = encodeMember(String(i).padStart(width, '0'), r.severity, r.notAfter, r.object);
  });
  const problems = { expired: 0, critical: 0, unknown: 0, warning: 0 };
  const findings = new Map<string, ListedFinding>();
  const idOf = (m: string) => m.slice(0, m.indexOf(SEP));
  for (const r of bySoonest) {
    if (r.severity !== 'ok') {
      if (r.finding.certificate?.expiry === 'expired') problems.expired++;
      else problems[r.severity]++;
    }
    if (r.severity !== 'ok' || r.notAfter !== undefined)
      findings.set(idOf(r.member), listedFinding(r.finding));
  }
  const notOk = (r: { severity: Severity }) => r.severity !== 'ok';
  const dated = bySoonest.filter((r) => r.notAfter !== undefined);
  return {
    summary: {
      cluster: snapshot.cluster,
      check: snapshot.check,
      at: snapshot.at,
      reachable: snapshot.reachable,
      unobserved: snapshot.unobserved,
      total: snapshot.findings.length,
      problems,
      dated: dated.length,
      version,
    },
    worstFirst: [...rows]
      .sort(worstFirst)
      .filter(notOk)
      .map((r) => r.member),
    soonestFirst: bySoonest.filter(notOk).map((r) => r.member),
    dated: dated.map((r) => ({ score: r.notAfter ?? 0, member: r.member })),
    findings,
  };
}

/** Findings not ok in a summary. */
export function problemCount(s: Pick<RunSummary, 'problems'>): number {
  const p = s.problems;
  return p.expired + p.critical + p.unknown + p.warning;
}
