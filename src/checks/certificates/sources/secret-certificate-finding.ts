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
 * sorting compares) and the verdict it shares with every Secret holding the same bundle, about 100
 * bytes where the built finding (its summary, next step and fingerprint name the Secret) holds 1.0
 * to 1.2 KB (BENCHMARKS.md, "Findings kept compact"). `build` makes that finding anew each time,
 * equal to what `certificateFinding` returns for the same place and evaluation.
 */
export class SecretCertificateFinding implements DeferredFinding {
  readonly object: string;

  constructor(
    protected readonly shared: SecretKeyVerdict,
    namespace: string,
    name: string,
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

  /** The same finding with one more evidence line after the verdict's own. */
  noted(line: string): SecretCertificateFinding {
    const [namespace, name] = this.place();
    return new NotedSecretCertificateFinding(this.shared, namespace, name, [...this.notes(), line]);
  }

  build(): Finding {
    const [namespace, name] = this.place();
    const f = placedFinding(
      secretLocation(this.shared.cluster, namespace, name, this.shared.key),
      this.shared.verdict,
    );
    const notes = this.notes();
    // Appended as tls-secrets.ts did on the built finding: a finding without evidence of its own
    // gets the key last, and the JSON output keeps its key order.
    if (notes.length > 0) f.evidence = [...(f.evidence ?? []), ...notes];
    return f;
  }

  protected notes(): readonly string[] {
    return [];
  }

  /**
   * Namespace and name, read back from `object` (`secret NAMESPACE/NAME KEY`) instead of kept
   * beside it: Kubernetes names hold neither `/` nor spaces, and the key is the verdict's.
   */
  private place(): [namespace: string, name: string] {
    const slash = this.object.indexOf('/', prefix.length);
    return [
      this.object.slice(prefix.length, slash),
      this.object.slice(slash + 1, this.object.length - this.shared.key.length - 1),
    ];
  }
}

/** The rare Secret whose tls.crt finding carries notes (a keystore beside it): one field more. */
class NotedSecretCertificateFinding extends SecretCertificateFinding {
  constructor(
    shared: SecretKeyVerdict,
    namespace: string,
    name: string,
    private readonly lines: readonly string[],
  ) {
    super(shared, namespace, name);
  }

  protected override notes(): readonly string[] {
    return this.lines;
  }
}
