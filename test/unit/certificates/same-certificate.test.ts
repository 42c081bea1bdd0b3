import { describe, expect, it } from 'vitest';
import { sameCertificateIncidents } from '../../../src/checks/certificates/same-certificate.js';
import { incidentsOf } from '../../../src/checks/incidents.js';
import { reconcile } from '../../../src/alerts/reconcile.js';
import { defaultLifecyclePolicy } from '../../../src/alerts/lifecycle-policy.js';
import { routeAlert } from '../../../src/alerts/route-alert.js';
import type { CertificateFacts, Finding } from '../../../src/domain/finding.js';
import { fingerprint } from '../../../src/domain/fingerprint.js';
import type { Severity } from '../../../src/domain/severity.js';

const now = new Date('2026-05-01T10:00:00Z');

function facts(sha: string, expiry: CertificateFacts['expiry'] = 'warning'): CertificateFacts {
  return {
    subject: 'CN=*.example.com',
    issuer: 'CN=Example CA',
    sans: ['*.example.com'],
    serialNumber: '01',
    fingerprint256: sha,
    notBefore: '2025-05-01T00:00:00Z',
    notAfter: '2026-05-11T00:00:00Z',
    daysLeft: 9,
    role: 'leaf',
    isCa: false,
    expiry,
    chainLength: 1,
  };
}

function secretFinding(namespace: string, sha: string, severity: Severity = 'warning'): Finding {
  const object = `secret ${namespace}/wildcard-tls tls.crt`;
  return {
    cluster: 'prod',
    check: 'certificates',
    severity,
    source: 'tls-secret',
    object,
    summary: `Secret ${namespace}/wildcard-tls (tls.crt): certificate CN=*.example.com expires in 9 days`,
    nextStep: 'Renew it.',
    fingerprint: fingerprint('prod', 'certificates', 'tls-secret', object),
    namespace,
    certificate: facts(sha, severity === 'critical' ? 'critical' : 'warning'),
  };
}

const wildcard = 'AB:CD:EF:01:23:45:67:89:AA:BB';
const namespaces = Array.from({ length: 37 }, (_, i) => `team-${String(i).padStart(2, '0')}`);

describe('sameCertificateIncidents', () => {
  it('merges one certificate in 37 Secrets into one finding listing where it lives', () => {
    const other = secretFinding('billing', 'FF:FF:00');
    const unreadable: Finding = {
      ...secretFinding('x', 'none'),
      certificate: undefined,
      summary: 'cannot parse',
      fingerprint: 'unreadable-fp',
    };
    const out = sameCertificateIncidents(
      [...namespaces.map((ns) => secretFinding(ns, wildcard)), other, unreadable],
      now,
    );
    expect(out).toHaveLength(3);
    const merged = out[0] as Finding;
    expect(merged.summary).toMatch(/^certificate CN=\*\.example\.com expires in 9 days/);
    expect(merged.summary).toContain(
      'in 37 Secrets across 37 namespaces: secret team-00/wildcard-tls tls.crt',
    );
    expect(merged.summary).toContain('and 29 more');
    expect(merged.locations).toHaveLength(37);
    expect(merged.namespace).toBeUndefined();
    expect(merged.fingerprint).toBe(fingerprint('prod', 'certificates', 'certificate', wildcard));
    expect(merged.nextStep).toContain('in 37 places');
    // A single place keeps its finding as it was: renewing it in place escalates or resolves the same alert.
    expect(out[1]).toBe(other);
    expect(out[2]).toBe(unreadable);
  });

  it('takes the worst place and keeps the same fingerprint as copies come and go', () => {
    const some = sameCertificateIncidents(
      namespaces.slice(0, 3).map((ns) => secretFinding(ns, wildcard)),
      now,
    );
    const more = sameCertificateIncidents(
      [
        ...namespaces.slice(0, 4).map((ns) => secretFinding(ns, wildcard)),
        secretFinding('edge', wildcard, 'critical'),
      ],
      now,
    );
    expect(more[0]?.fingerprint).toBe(some[0]?.fingerprint);
    expect(more[0]?.severity).toBe('critical');
    expect(more[0]?.locations?.[0]?.object).toBe('secret edge/wildcard-tls tls.crt');
  });

  it('is applied by incidentsOf to certificate findings only', () => {
    const sts: Finding = { ...secretFinding('db', wildcard), check: 'statefulsets', fingerprint: 'sts' };
    const out = incidentsOf([secretFinding('a', wildcard), sts, secretFinding('b', wildcard)], now);
    expect(out.map((f) => f.check).sort()).toEqual(['certificates', 'statefulsets']);
  });
});

describe('a merged certificate alert', () => {
  const run = (findings: Finding[], runId: string, stored: Parameters<typeof reconcile>[0]['stored']) =>
    reconcile({
      cluster: 'prod',
      check: 'certificates',
      runId,
      reachable: true,
      findings: sameCertificateIncidents(findings, now),
      stored,
      now,
      policy: defaultLifecyclePolicy,
      newId: () => 'c1',
    });

  it('edits its message (silently) when a copy appears, and is opened once', () => {
    const first = run(
      namespaces.slice(0, 37).map((ns) => secretFinding(ns, wildcard)),
      'r1',
      [],
    );
    expect(first.transitions.map((t) => t.kind)).toEqual(['opened']);
    const second = run(
      [...namespaces.map((ns) => secretFinding(ns, wildcard)), secretFinding('new-team', wildcard)],
      'r2',
      first.alerts,
    );
    expect(second.transitions.map((t) => [t.kind, t.notify])).toEqual([['relocated', false]]);
    expect(second.transitions[0]?.reason).toContain(
      'now in 38 place(s), was 37 (added: secret new-team/wildcard-tls tls.crt)',
    );
    const third = run(
      namespaces.map((ns) => secretFinding(ns, wildcard)).concat(secretFinding('new-team', wildcard)),
      'r3',
      second.alerts,
    );
    expect(third.transitions).toEqual([]);
  });

  it('routes by any namespace it lives in', () => {
    const [merged] = sameCertificateIncidents(
      ['team-a', 'team-b'].map((ns) => secretFinding(ns, wildcard)),
      now,
    );
    const alert = {
      cluster: 'prod',
      check: 'certificates' as const,
      severity: 'warning' as const,
      finding: merged,
    };
    const routing = {
      routes: [{ match: { namespace: 'team-b' }, slack: ['CTEAMB'], teams: [], web: [], continue: false }],
      defaultRoute: { slack: ['CDEFAULT'], teams: [], web: [] },
    };
    expect(routeAlert(alert, routing as never)).toEqual([{ platform: 'slack', destination: 'CTEAMB' }]);
  });
});
