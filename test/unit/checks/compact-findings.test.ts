import { describe, expect, it } from 'vitest';
import { runChecks, runChecksCompact, runClusterChecks } from '../../../src/checks/run-checks.js';
import { parseConfig } from '../../../src/config/load-config.js';
import {
  findingOf,
  type CertificateFacts,
  type DeferredFinding,
  type Finding,
  type FindingEntry,
} from '../../../src/domain/finding.js';
import { countingCheckDeps } from '../../support/fake-check-deps.js';

const config = parseConfig({ clusters: [{ name: 'prod', inCluster: true }] }, 'test', '/');

function secret(cluster: string, name: string, notAfter: string): Finding {
  return {
    cluster,
    check: 'certificates',
    severity: 'warning',
    source: 'tls-secret',
    object: `secret ns/${name} tls.crt`,
    summary: `Secret ns/${name} (tls.crt): certificate expires`,
    fingerprint: `fp-${name}`,
    certificate: { notAfter } as CertificateFacts,
  };
}

function compact(f: Finding): DeferredFinding {
  const { cluster, check, severity, source, object, certificate } = f;
  return { cluster, check, severity, source, object, certificate, build: () => ({ ...f }) };
}

/** Compact entries out of order, and one built finding between them. */
function entries(cluster: string): FindingEntry[] {
  return [
    compact(secret(cluster, 'late', '2027-01-01T00:00:00Z')),
    secret(cluster, 'middle', '2026-06-01T00:00:00Z'),
    compact(secret(cluster, 'soon', '2026-01-01T00:00:00Z')),
  ];
}

describe('findings kept compact', () => {
  const { deps } = countingCheckDeps((cluster, check) => (check === 'certificates' ? entries(cluster) : []));

  it('are built by runChecks and runClusterChecks (what vigil serve stores), kept by runChecksCompact', async () => {
    const built = (await runChecks(config, { only: ['certificates'] }, deps)).clusters[0]?.findings ?? [];
    const kept =
      (await runChecksCompact(config, { only: ['certificates'] }, deps)).clusters[0]?.findings ?? [];
    const cluster = config.clusters[0];
    if (!cluster) throw new Error('no cluster in the config');
    const one = await runClusterChecks(config, cluster, { only: ['certificates'] }, deps);

    const secrets = (list: FindingEntry[]) => list.filter((f) => f.source === 'tls-secret');
    expect(secrets(built).map((f) => f.object)).toEqual([
      'secret ns/soon tls.crt',
      'secret ns/middle tls.crt',
      'secret ns/late tls.crt',
    ]);
    expect(built.some((f) => 'build' in f)).toBe(false);
    expect(one.findings.some((f) => 'build' in f)).toBe(false);
    expect(secrets(kept).filter((f) => 'build' in f)).toHaveLength(2);
    // Sorted alike, and built to the same findings.
    expect(kept.map(findingOf)).toEqual(built);
    expect(one.findings).toEqual(built);
  });
});
