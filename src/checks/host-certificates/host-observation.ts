import type { CertificateFormat } from '../certificates/parse-certificates.js';
import type { HostNote, LayoutEntry } from './host-layout.js';

/**
 * What was read from one node, as plain JSON: what a node agent would ship and what
 * `vigil check --host-root` builds in-process. It holds certificates (public) as PEM, never keys, and
 * no times derived from "now", so rows can be computed later against fresh thresholds.
 */
export interface HostObservation {
  node: string;
  /** ISO 8601 UTC. */
  observedAt: string;
  entries: ObservedEntry[];
  notes: HostNote[];
}

export interface ObservedEntry {
  entry: LayoutEntry;
  /** Set for CAs with a `keyPath`: whether the key exists (it is never opened). */
  keyPresent?: boolean;
  outcome: EntryOutcome;
}

export type EntryOutcome =
  | {
      status: 'ok';
      /** The certificates only, re-encoded as PEM in file order. */
      pem: string;
      format: CertificateFormat;
      /** The node path the certificate was read from, after symlinks and kubeconfig references. */
      readFrom: string;
      /** Symlinks followed, `link -> target`. */
      links: string[];
      /** The file also held a private key (skipped). */
      privateKeyInFile: boolean;
      kubeconfig?: {
        user: string;
        embedded: boolean;
        /** The certificate file the kubeconfig names (node path, before symlinks). */
        references?: string;
      };
    }
  | { status: 'missing'; links: string[] }
  | {
      status: 'unreadable';
      reason: string;
      access: boolean;
      links: string[];
      /** A kubeconfig whose named certificate file is what cannot be read. */
      references?: string;
    }
  | { status: 'no-client-certificate'; reason: string };
