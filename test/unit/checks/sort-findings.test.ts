import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sortFindings } from '../../../src/checks/run-checks.js';
import type { CertificateFacts, Finding } from '../../../src/domain/finding.js';

/** The comparator sortFindings had before it computed keys once: the order must not change. */
function sortedBefore(findings: Finding[]): Finding[] {
  const key = (f: Finding) => {
    const notAfter = f.certificate?.notAfter ?? f.notAfter;
    if (notAfter) return Date.parse(notAfter);
    return f.severity === 'ok' ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY;
  };
  return [...findings].sort((a, b) => key(a) - key(b) || a.object.localeCompare(b.object));
}

const dates = ['2026-01-01T00:00:00Z', '2026-01-01T00:00:00.000Z', '2027-06-30T12:00:00Z', 'not a date', ''];

const finding = fc.record({
  severity: fc.constantFrom('ok', 'warning', 'critical', 'unknown'),
  // Few distinct objects and dates, so that ties (which a stable sort keeps in input order) are common.
  object: fc.constantFrom(
    'secret a/x tls.crt',
    'secret B/x tls.crt',
    'secret a/x ca.crt',
    'endpoint 10.0.0.1:443',
    'é',
  ),
  certificateNotAfter: fc.option(fc.constantFrom(...dates), { nil: undefined }),
  notAfter: fc.option(fc.constantFrom(...dates), { nil: undefined }),
  id: fc.nat(),
});

describe('sortFindings', () => {
  it('orders exactly as comparing keys on every comparison did, ties and bad dates included', () => {
    fc.assert(
      fc.property(fc.array(finding, { maxLength: 60 }), (rows) => {
        const findings: Finding[] = rows.map((r) => ({
          cluster: 'prod',
          check: 'certificates',
          severity: r.severity,
          source: 'tls-secret',
          object: r.object,
          summary: `#${r.id}`,
          fingerprint: String(r.id),
          ...(r.notAfter !== undefined ? { notAfter: r.notAfter } : {}),
          ...(r.certificateNotAfter !== undefined
            ? { certificate: { notAfter: r.certificateNotAfter } as CertificateFacts }
            : {}),
        }));
        const input = [...findings];
        expect(sortFindings(findings)).toEqual(sortedBefore(findings));
        // The input is left as it was.
        expect(findings).toEqual(input);
      }),
    );
  });

  it('puts unreadable items first and healthy ones without a date last', () => {
    const f = (object: string, severity: Finding['severity'], notAfter?: string): Finding => ({
      cluster: 'prod',
      check: 'certificates',
      severity,
      source: 'tls-secret',
      object,
      summary: object,
      fingerprint: object,
      ...(notAfter ? { notAfter } : {}),
    });
    const sorted = sortFindings([
      f('ok-undated', 'ok'),
      f('later', 'warning', '2027-01-01T00:00:00Z'),
      f('unreadable', 'warning'),
      f('sooner', 'critical', '2026-01-01T00:00:00Z'),
    ]);
    expect(sorted.map((x) => x.object)).toEqual(['unreadable', 'sooner', 'later', 'ok-undated']);
  });
});
