import type { Severity } from './severity.js';

/**
 * Every check name, as keys. `cluster` (the access check every run starts with) is declared here; the
 * registry in src/checks/index.ts adds the name of each check it lists, by module augmentation: the
 * domain layer must not import src/checks, and `Finding.check` stays a closed set of literals, so a
 * misspelt check name fails the typecheck.
 */
export interface CheckNames {
  cluster: true;
}

export type CheckName = keyof CheckNames & string;

/** The checks that run and are scheduled (`cluster` is part of every run, never on its own). */
export type RunnableCheckName = Exclude<CheckName, 'cluster'>;

/** Where the expiry of a certificate stands; `expired` stays critical and is reported apart. */
export type ExpiryState = 'ok' | 'warning' | 'critical' | 'expired' | 'not-yet-valid';

/** The position of a certificate in the bundle or chain it was read from. */
export type CertificateRole = 'leaf' | 'intermediate' | 'ca' | 'self-signed';

/** Certificate metadata only: never keys, never raw Secret data. */
export interface CertificateFacts {
  subject: string;
  issuer: string;
  sans: string[];
  serialNumber: string;
  fingerprint256: string;
  notBefore: string; // ISO 8601 UTC
  notAfter: string; // ISO 8601 UTC
  /** Whole days until notAfter, negative once expired (floor). */
  daysLeft: number;
  role: CertificateRole;
  isCa: boolean;
  expiry: ExpiryState;
  /** Number of certificates in the bundle/chain this one was picked from. */
  chainLength: number;
}

/**
 * What the StatefulSet check computed about one StatefulSet, for JSON consumers. Counts come from the
 * pods themselves (status lags when the controller is stuck); `notReadySince` from pod conditions.
 */
export interface StatefulSetFacts {
  desired: number;
  ready: number;
  available: number;
  missingOrdinals: number[];
  /** The lowest pod that is missing or not Running, Ready and Available. */
  blockingOrdinal?: number;
  blockingPod?: string;
  podManagementPolicy: string;
  updateStrategy: string;
  partition: number;
  currentRevision?: string;
  updateRevision?: string;
  /** Pods on the update revision. */
  updatedReplicas: number;
  generation?: number;
  observedGeneration?: number;
  notReadySince?: string; // ISO 8601 UTC
  /** Recognised stuck patterns, e.g. `ordered-ready-blocked`, `forced-rollback-needed`. */
  patterns: string[];
}

/**
 * What a check found about one object: pure data, no SDK types. The alert lifecycle keys on
 * `fingerprint`, which is stable for the same cluster/check/source/object whatever the severity.
 */
export interface Finding {
  cluster: string;
  check: CheckName;
  severity: Severity;
  /** Kind of thing observed, e.g. `tls-secret`, `apiserver`, `kubelet`, `webhook-ca-bundle`. */
  source: string;
  /** The object and key, e.g. `secret prod/web-tls tls.crt`, `endpoint 10.0.0.1:6443`. */
  object: string;
  summary: string;
  /** What to do next; present for anything not ok. */
  nextStep?: string;
  evidence?: string[];
  fingerprint: string;
  namespace?: string;
  /** Expiry of something that is not an X.509 we parsed ourselves (a cert-manager status), for sorting. */
  notAfter?: string;
  certificate?: CertificateFacts;
  statefulSet?: StatefulSetFacts;
  /**
   * Every place the same thing was found, when a check merged findings that share one cause into
   * one incident (the same certificate, by SHA-256, copied into many Secrets): the alert keys on the
   * cause, and this list, data on the alert, changes as copies come and go.
   */
  locations?: FindingLocation[];
}

/** One place a merged finding was seen (src/checks/certificates/same-certificate.ts). */
export interface FindingLocation {
  source: string;
  object: string;
  namespace?: string;
  severity: Severity;
}

/** Something vigil cannot see in the current mode, listed so that silence is never read as safety. */
export interface Unobserved {
  what: string;
  why: string;
  howToObserve: string;
}

/** What sorting, counting and filtering read of a finding: known without building it. */
export type FindingHead = Pick<
  Finding,
  'cluster' | 'check' | 'severity' | 'source' | 'object' | 'notAfter' | 'certificate'
>;

/**
 * A finding kept compact until it is read: its head, and the rest built on demand by `build`, the
 * same Finding every time. `vigil check` holds one per TLS Secret until it renders the report, and a
 * built finding costs about ten times its compact form (BENCHMARKS.md, "Findings kept compact").
 */
export interface DeferredFinding extends FindingHead {
  build(): Finding;
}

/** A finding as a check returns it: built, or to be built when read (`findingOf`). */
export type FindingEntry = Finding | DeferredFinding;

export function findingOf(entry: FindingEntry): Finding {
  return 'build' in entry ? entry.build() : entry;
}

/** `findings`: built (what is stored and alerted on), or entries as `vigil check` renders them. */
export interface ClusterReport<F extends FindingEntry = Finding> {
  cluster: string;
  reachable: boolean;
  findings: F[];
  unobserved: Unobserved[];
}
