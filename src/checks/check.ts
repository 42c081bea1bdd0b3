import type { ChecksConfig } from './checks-config.js';
import type { ClusterConfig } from './cluster-config.js';
import type { Finding, FindingEntry, RunnableCheckName, Unobserved } from '../domain/finding.js';
import type { KubeConnection } from '../kube/kube-connection.js';
import type { TlsProbeResult } from '../probe/tls-probe-result.js';
import type { TableSection } from './table-section.js';

export type ProbeTls = (opts: {
  host: string;
  port: number;
  servername?: string;
  caPem?: string;
  timeoutMs?: number;
}) => Promise<TlsProbeResult>;

/** What a check needs of one cluster; src/kube's ClusterConnection satisfies it structurally. */
export interface ClusterTarget {
  name: string;
  server: { url: string; host: string; port: number; servername?: string };
  caPem?: string;
  insecureSkipTlsVerify: boolean;
  kubeconfigPath?: string;
  clientCertificatePem?: string;
  /** The cluster's Kubernetes API, for the reader factories in src/kube; checks never look inside. */
  kube: KubeConnection;
  ping(): Promise<void>;
}

/**
 * What an agent on a node (`vigil agent`) last reported for one check: plain JSON it observed on the
 * node, stored by node and kind. `body` is as the agent wrote it; the check that reads it validates it.
 */
export interface NodeReport {
  node: string;
  /** When the agent read the node (ISO 8601 UTC). */
  observedAt: string;
  /** How often the agent reports (from its schedule), so a reader can tell a silent node. */
  intervalMinutes: number;
  body: unknown;
}

/** The latest report of every node, for checks that read nodes' files (src/redis implements it). */
export interface NodeReports {
  /** One report per node of `cluster` for `kind` (a check's name), as last written. */
  latest(cluster: string, kind: string): Promise<NodeReport[]>;
}

/** What a reader factory may open its reader from: one cluster, for one run. */
export interface ReaderSource {
  cluster: ClusterConfig;
  config: Readonly<ChecksConfig>;
  target: ClusterTarget;
  /** What node agents reported (`vigil serve`: Redis); absent where there are none (`vigil check`). */
  nodeReports?: NodeReports;
}

/**
 * How a check gets the port it reads through, declared by the check itself so that a new reader
 * edits neither ClusterTarget nor any list: a Kubernetes reader is a class in src/kube (the only
 * client of the Kubernetes API, src/kube/kube-client.ts) whose constructor takes `target.kube`, and the check's entry
 * says `reader: async ({ target }) => new (await import('../../kube/kube-thing-reader.js'))
 * .KubeThingReader(target.kube)`. The factory is async so that the reader's module is imported when
 * a run first needs it: the registry is loaded by everything that names checks (`vigil --help`, the
 * config, the chat commands), and a static import of a Kubernetes reader would load all of
 * src/kube there too (BENCHMARKS.md "CLI start-up"). A reader of anything else is the
 * same kind of function that ignores `kube` and opens its source from what ReaderSource carries: the
 * host-certificates check reads what node agents reported from `nodeReports` (and, for
 * `vigil check --host-root /`, the same check's local reader reads this node's files).
 * Tests give a check a fake reader through CheckContext.reader.
 */
export type ReaderFactory<Reader> = (source: ReaderSource) => Reader | Promise<Reader>;

export interface CheckContext<Reader = unknown> {
  cluster: ClusterConfig;
  config: Readonly<ChecksConfig>;
  target: ClusterTarget;
  /** What the check's `reader` factory opened for this cluster and run. */
  reader: Reader;
  /** False when the API could not be reached: checks still do what needs no API (handshakes). */
  apiReachable: boolean;
  now: Date;
  probeTls: ProbeTls;
}

export interface CheckResult {
  /** Built findings, or compact ones built when read (a TLS Secret's: one per Secret, many). */
  findings: FindingEntry[];
  unobserved: Unobserved[];
}

/**
 * Options a check's chat command may take besides `--page` (handlers/parse-command.ts reads them):
 * `--expiring DAYS` takes a number, `--chart` none (a picture of the answer, with its text).
 */
export type CommandFlag = 'expiring' | 'chart';

/** A check's `/k8s` command: `/k8s sts prod` lists what the latest run found wrong. */
export interface CheckCommand {
  /**
   * Words that select the check, lower case: in chat, `/k8s check CLUSTER WORD` and `vigil check
   * --only WORD`. The first names the command in help's error messages.
   */
  readonly words: readonly string[];
  /** The one of `words` that hints suggest (`/k8s check prod sts`, `/k8s sts prod`). */
  readonly short: string;
  /** As help shows it after `/k8s`, e.g. `statefulsets|sts [cluster]`. */
  readonly usage: string;
  /** Help's line, lower case, no full stop. */
  readonly description: string;
  readonly flags: readonly CommandFlag[];
  /** Reply title when nothing is wrong, e.g. `All StatefulSets ready` (default: `All <many> ok`). */
  readonly allClear?: string;
  /**
   * Its entry in the Teams app's command menu (teams/manifest.json), a sentence. Teams shows at most
   * 10 commands per menu, so a check may stay out of it; typed, its command works the same.
   */
  readonly menu?: string;
}

/**
 * One check, self-describing: the registry in src/checks/index.ts lists it once, and its name,
 * words, schedule, command, table section and reader reach every place that needs them from there
 * (CheckName, `--only`, `schedules:`, `/k8s` help and verbs, `/k8s clusters`, the Teams menu,
 * `vigil check`'s table), so a new check is its folder plus one line in the registry.
 */
export interface Check<Name extends string = RunnableCheckName, Reader = unknown> {
  /**
   * `Finding.check`, the key of snapshots and schedules in Redis, `schedules.checks.<name>` and a
   * word of `--only`: lower case, and never renamed once released.
   */
  readonly name: Name;
  /**
   * What it checks, as nouns: "StatefulSet check", "12 StatefulSets checked"; capitalized, `many`
   * titles its table section and its line in `/k8s check`'s answer ("StatefulSets").
   */
  readonly label: { readonly one: string; readonly many: string };
  /** When `vigil serve` runs it unless `schedules:` says otherwise (cron-parser syntax). */
  readonly schedule: {
    readonly pattern: string;
    /** The pattern in words, for config error messages: `every 6 hours`. */
    readonly meaning: string;
  };
  readonly command: CheckCommand;
  /** Its section of `vigil check`'s table (src/output/render-table.ts). */
  readonly table: TableSection;
  /** Opens what `run` reads through, once per cluster and run. */
  readonly reader: ReaderFactory<Reader>;
  /**
   * False for a check that reads nothing through the cluster's API (it reads node agents' reports):
   * an unreachable API then does not make its run blind, so its findings are judged, not held.
   * Default true.
   */
  readonly readsApi?: boolean;
  /**
   * What it cannot see in this mode, listed ahead of `run`'s own gaps after every run that did not
   * throw, so that an empty report is never read as "all is well".
   */
  unobserved(ctx: CheckContext<Reader>): Unobserved[];
  run(ctx: CheckContext<Reader>): Promise<CheckResult>;
  /**
   * How its findings become alerts, when findings share a cause: given every finding of one run on
   * one cluster, returns them with each set of same-cause findings merged into one (its own
   * fingerprint, `locations` listing the members). Applied before the alert lifecycle only
   * (src/checks/incidents.ts); `vigil check` and the `/k8s` listings keep one row per place.
   * Default: one alert per finding.
   */
  incidents?(findings: readonly Finding[], now: Date): Finding[];
}
