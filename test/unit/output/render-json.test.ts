import { describe, expect, it } from 'vitest';
import type { CheckReport } from '../../../src/checks/run-checks.js';
import type { Finding } from '../../../src/domain/finding.js';
import { renderJson } from '../../../src/output/render-json.js';

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
});
