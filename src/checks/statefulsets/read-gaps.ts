import type { Finding, Unobserved } from '../../domain/finding.js';
import { fingerprint } from '../../domain/fingerprint.js';
import { VigilError } from '../../domain/vigil-error.js';

export interface ReadScope {
  verb: 'get' | 'list';
  resource: string;
  namespace?: string;
}

interface Gap extends ReadScope {
  what: string;
  error: VigilError;
}

export const accessSource = 'access';

/** `list pods in namespace db`: also the stable object (and fingerprint) of the gap's finding. */
export function describeRead(s: ReadScope): string {
  return `${s.verb} ${s.resource}${s.namespace !== undefined ? ` in namespace ${s.namespace}` : ''}`;
}

/**
 * Reads that failed (403, timeout), each reported once however many StatefulSets it touched. A
 * forbidden list of events must cost the probe messages, not the check: the StatefulSet findings
 * are still made from what could be read, and this says what is missing and the rule to add.
 */
export class ReadGaps {
  private readonly gaps = new Map<string, Gap>();

  constructor(private readonly cluster: string) {}

  /** Runs a read; a VigilError becomes a gap and undefined. Anything else is a bug and propagates. */
  async attempt<T>(
    scope: ReadScope,
    read: () => Promise<T>,
  ): Promise<{ ok: true; value: T } | { ok: false }> {
    try {
      return { ok: true, value: await read() };
    } catch (err) {
      if (!(err instanceof VigilError)) throw err;
      const what = describeRead(scope);
      if (!this.gaps.has(what)) this.gaps.set(what, { ...scope, what, error: err });
      return { ok: false };
    }
  }

  findings(): Finding[] {
    return [...this.gaps.values()].map((g) => ({
      cluster: this.cluster,
      check: 'statefulsets',
      severity: 'unknown',
      source: accessSource,
      object: g.what,
      summary: `cannot ${g.what}: ${g.error.userMessage}`,
      nextStep:
        g.error.code === 'kube-forbidden'
          ? `Add the rule above to vigil's ClusterRole (deploy/rbac/)${g.namespace ? ' or to a Role in the namespace' : ''}; until then StatefulSet findings${g.namespace ? ` in ${g.namespace}` : ''} lack what ${g.resource} would tell.`
          : 'Check connectivity to the API server; vigil retries on the next run.',
      fingerprint: fingerprint(this.cluster, 'statefulsets', accessSource, g.what),
      ...(g.namespace !== undefined ? { namespace: g.namespace } : {}),
    }));
  }

  unobserved(): Unobserved[] {
    return [...this.gaps.values()].map((g) => ({
      what: `${g.resource}${g.namespace !== undefined ? ` in namespace ${g.namespace}` : ''} (StatefulSet check)`,
      why: g.error.userMessage,
      howToObserve:
        g.error.code === 'kube-forbidden' ? `grant ${g.verb} on ${g.resource}` : 'fix the error above',
    }));
  }
}
