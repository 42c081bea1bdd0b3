import { describe, expect, it } from 'vitest';
import type { CheckReport } from '../../../src/checks/run-checks.js';
import type { DeferredFinding, Finding } from '../../../src/domain/finding.js';
import { renderJson, renderJsonChunks } from '../../../src/output/render-json.js';

const finding = (object: string, severity: Finding['severity']): Finding => ({
  cluster: 'prod',
  check: 'certificates',
  severity,
  source: 'tls-secret',
  object,
  summary: `summary of ${object}`,
  fingerprint: 'abcdef0123456789',
});

describe('renderJson', () => {
  it('writes valid JSON with no findings', () => {
    const report: CheckReport = {
      generatedAt: '2026-11-21T12:00:00.000Z',
      clusters: [{ cluster: 'prod', reachable: true, findings: [], unobserved: [] }],
    };
    const json = JSON.parse(renderJson(report));
    expect(json).toEqual({
      generatedAt: '2026-11-21T12:00:00.000Z',
      worstSeverity: 'ok',
      findings: [],
      clusters: [
        {
          name: 'prod',
          reachable: true,
          worstSeverity: 'ok',
          counts: { critical: 0, warning: 0, unknown: 0, ok: 0 },
          unobserved: [],
        },
      ],
    });
  });

  it('streams every finding of every cluster in order and computes the worst severity', () => {
    const report: CheckReport = {
      generatedAt: '2026-11-21T12:00:00.000Z',
      clusters: [
        {
          cluster: 'prod',
          reachable: true,
          findings: [finding('a', 'ok'), finding('b', 'warning')],
          unobserved: [],
        },
        { cluster: 'edge', reachable: false, findings: [finding('c', 'unknown')], unobserved: [] },
      ],
    };
    const json = JSON.parse(renderJson(report));
    expect(json.findings.map((f: Finding) => f.object)).toEqual(['a', 'b', 'c']);
    expect(json.worstSeverity).toBe('unknown');
    expect(json.clusters.map((c: { worstSeverity: string }) => c.worstSeverity)).toEqual([
      'warning',
      'unknown',
    ]);
  });

  it('builds a compact finding for its own chunk only, and writes it as the built finding', () => {
    const built = [finding('a', 'ok'), finding('b', 'critical'), finding('c', 'warning')];
    built[1] = { ...(built[1] as Finding), nextStep: 'Renew it.', evidence: ['read as DER'] };
    let builds = 0;
    const compact = (f: Finding): DeferredFinding => ({
      cluster: f.cluster,
      check: f.check,
      severity: f.severity,
      source: f.source,
      object: f.object,
      build: () => {
        builds++;
        return { ...f };
      },
    });
    const report = (findings: (Finding | DeferredFinding)[]): CheckReport => ({
      generatedAt: '2026-11-21T12:00:00.000Z',
      clusters: [{ cluster: 'prod', reachable: true, findings, unobserved: [] }],
    });
    const chunks = renderJsonChunks(report(built.map(compact)));
    // The head carries the worst severity: read from the compact form, nothing built.
    expect(chunks.next().value).toContain('"worstSeverity": "critical"');
    expect(builds).toBe(0);
    const rest: string[] = [];
    for (let i = 1; i <= 3; i++) {
      rest.push(chunks.next().value as string);
      expect(builds).toBe(i);
    }
    for (const chunk of chunks) rest.push(chunk);
    // The clusters' counts need no building either.
    expect(builds).toBe(3);
    expect(rest.at(-1)).toContain('"critical": 1');
    expect(renderJson(report(built.map(compact)))).toBe(renderJson(report(built)));
  });
});
