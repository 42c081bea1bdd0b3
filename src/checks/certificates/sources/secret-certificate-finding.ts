import type { CertificateFacts, DeferredFinding, Finding } from '../../../domain/finding.js';
import type { Severity } from '../../../domain/severity.js';
import { placedFinding, type CertificateLocation, type CertificateVerdict } from '../certificate-finding.js';

/** How one key of a TLS Secret is named in its finding. */
export function secretLocation(
  cluster: string,
  namespace: string,
  name: string,
  key: string,
): CertificateLocation {
  return {
    cluster,
    source: 'tls-secret',
    object: `secret ${namespace}/${name} ${key}`,
    label: `Secret ${namespace}/${name} (${key})`,
    namespace,
    name,
  };
}

/** What every Secret key holding the same bundle shares: its verdict, on one cluster, under one key. */
export interface SecretKeyVerdict {
  readonly cluster: string;
  readonly key: string;
  readonly verdict: CertificateVerdict;
}

const prefix = 'secret ';

/**
 * The finding of one key of one TLS Secret, kept compact until it is read: the object string (what
 * sorting compares), the namespace and the verdict it shares with every Secret holding the same
 * bundle. About 120 bytes, where the built finding (its summary, next step and fingerprint name the
 * Secret) holds about 1.2 KB; `build` makes that finding anew each time, equal to what
 * `certificateFinding` returns for the same place and evaluation.
 */
export class SecretCertificateFinding implements DeferredFinding {
  readonly object: string;

  /** `namespace` should be one string per namespace (tls-secrets.ts interns them): it is kept. */
  constructor(
    private readonly shared: SecretKeyVerdict,
    private readonly namespace: string,
    name: string,
    /** Lines noted after the evaluation (a password-protected keystore beside tls.crt). */
    private readonly notes?: readonly string[],
  ) {
    // join, not a template: a template makes a tree of string pieces that keeps the Secret's name
    // alive beside it (about 160 bytes); join makes one flat string (about 56).
    this.object = [prefix, namespace, '/', name, ' ', shared.key].join('');
  }

  get cluster(): string {
    return this.shared.cluster;
  }
  get check(): 'certificates' {
    return 'certificates';
  }
  get severity(): Severity {
    return this.shared.verdict.severity;
  }
  get source(): 'tls-secret' {
    return 'tls-secret';
  }
  get certificate(): CertificateFacts {
    return this.shared.verdict.certificate;
  }
  get notAfter(): undefined {
    return undefined;
  }

  /** The same finding with one more evidence line, after the verdict's own. */
  noted(line: string): SecretCertificateFinding {
    return new SecretCertificateFinding(this.shared, this.namespace, this.name(), [...(this.notes ?? []), line]);
  }

  build(): Finding {
    const f = placedFinding(
      secretLocation(this.shared.cluster, this.namespace, this.name(), this.shared.key),
      this.shared.verdict,
    );
    // Appended as tls-secrets.ts did on the built finding: a finding without evidence of its own
    // gets the key last, and the JSON output keeps its key order.
    if (this.notes) f.evidence = [...(f.evidence ?? []), ...this.notes];
    return f;
  }

  /** The Secret's name, read back from `object` (`secret NAMESPACE/NAME KEY`) instead of kept twice. */
  private name(): string {
    return this.object.slice(prefix.length + this.namespace.length + 1, -(this.shared.key.length + 1));
  }
}
