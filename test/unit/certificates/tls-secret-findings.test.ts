import { describe, expect, it } from 'vitest';
import type { CheckContext } from '../../../src/checks/check.js';
import type { TlsSecret } from '../../../src/checks/certificates/certificate-reader.js';
import { bundleFinding } from '../../../src/checks/certificates/sources/bundle-finding.js';
import { secretLocation } from '../../../src/checks/certificates/sources/secret-certificate-finding.js';
import { SecretWalk, secretFindings } from '../../../src/checks/certificates/sources/tls-secrets.js';
import { parseConfig } from '../../../src/config/load-config.js';
import { findingOf, type Finding, type FindingEntry } from '../../../src/domain/finding.js';
import { fingerprint } from '../../../src/domain/fingerprint.js';
import { issueCa, issueLeaf, toDer, toPkcs12 } from '../../../src/simulator/cert-factory.js';

const now = new Date('2026-11-21T12:00:00Z');
const config = parseConfig({ clusters: [{ name: 'prod', inCluster: true }] }, 'test', '/');
const ctx = {
  cluster: config.clusters[0],
  config,
  apiReachable: true,
  now,
  probeTls: () => Promise.reject(new Error('no handshakes here')),
} as unknown as CheckContext;

const b64 = (data: string | Buffer) => Buffer.from(data).toString('base64');
const root = issueCa('Example Root', now, { ageDays: 400 });
const issuing = issueCa('Example Issuing CA', now, { ageDays: 200, lifetimeDays: 1825, issuer: root });
// An intermediate that runs out before the leaf it signs: the finding names it and says why.
const shortIssuing = issueCa('Short Issuing CA', now, { ageDays: 300, lifetimeDays: 320, issuer: root });
const healthy = issueLeaf('web.example.com', now, 200, { issuer: issuing });
const expiring = issueLeaf('api.example.com', now, 9, { issuer: issuing });
const expired = issueLeaf('old.example.com', now, -4, { issuer: issuing });
const outlived = issueLeaf('long.example.com', now, 90, { issuer: shortIssuing });
// A CA bundle with the CA and its renewal (same subject): the old one is superseded, and noted.
const oldRoot = issueCa('Example Root', now, { ageDays: 3640 });

const secrets: TlsSecret[] = [
  { namespace: 'shop', name: 'web-tls', data: { 'tls.crt': b64(healthy.certPem + issuing.certPem) } },
  {
    namespace: 'payments',
    name: 'api-tls',
    data: {
      'tls.crt': b64(expiring.certPem + issuing.certPem),
      'ca.crt': b64(oldRoot.certPem + root.certPem),
    },
  },
  // The same chain in a second namespace: it shares the first one's verdict.
  { namespace: 'billing', name: 'api-tls', data: { 'tls.crt': b64(expiring.certPem + issuing.certPem) } },
  { namespace: 'legacy', name: 'old-tls', data: { 'tls.crt': b64(expired.certPem) } },
  { namespace: 'shop', name: 'long-tls', data: { 'tls.crt': b64(outlived.certPem + shortIssuing.certPem) } },
  { namespace: 'shop', name: 'der-tls', data: { 'tls.crt': b64(toDer(healthy)) } },
  { namespace: 'broken', name: 'garbage-tls', data: { 'tls.crt': b64('not a certificate') } },
  {
    namespace: 'kafka',
    name: 'broker-tls',
    data: {
      'tls.crt': b64(expiring.certPem + issuing.certPem),
      'keystore.p12': b64(toPkcs12(expiring, 'cert-manager-made-this')),
      'truststore.p12': b64(toPkcs12(expiring, '')),
    },
  },
  {
    namespace: 'kafka',
    name: 'plain-tls',
    data: { 'tls.crt': b64(healthy.certPem), 'keystore.p12': b64(toPkcs12(healthy, 'locked')) },
  },
];

/** What tls-secrets.ts returned before findings were kept compact: each key through bundleFinding. */
function builtFindings(s: TlsSecret): Finding[] {
  const at = (key: string) => secretLocation('prod', s.namespace, s.name, key);
  const out = [bundleFinding(ctx, at('tls.crt'), s.data['tls.crt'], 'chain')];
  if (s.data['ca.crt']) out.push(bundleFinding(ctx, at('ca.crt'), s.data['ca.crt'], 'ca-bundle'));
  for (const key of Object.keys(s.data).filter((k) => /\.(p12|pfx)$/.test(k))) {
    const data = Buffer.from(s.data[key] as string, 'base64');
    if (key === 'keystore.p12' || s.name === 'plain-tls') {
      const tls = out[0] as Finding;
      tls.evidence = [
        ...(tls.evidence ?? []),
        `${key}: password-protected PKCS#12 keystore, not read (tls.crt covers it)`,
      ];
      continue;
    }
    out.push(bundleFinding(ctx, at(key), data, 'chain'));
  }
  return out;
}

describe('TLS Secret findings, kept compact until read', () => {
  const walk = new SecretWalk();
  const entries = secrets.map((s) => secretFindings(ctx, s, walk));

  it('build to the same JSON, key order included, as the findings built one by one', () => {
    secrets.forEach((s, i) => {
      const got = (entries[i] as FindingEntry[]).map((e) => JSON.stringify(findingOf(e)));
      expect(got, `${s.namespace}/${s.name}`).toEqual(builtFindings(s).map((f) => JSON.stringify(f)));
    });
  });

  it('read as before: summary, next step, evidence and fingerprint name the Secret', () => {
    const [tls, ca] = (entries[1] as FindingEntry[]).map(findingOf);
    const object = 'secret payments/api-tls tls.crt';
    expect(Object.keys(tls as Finding)).toEqual([
      'cluster',
      'check',
      'severity',
      'source',
      'object',
      'summary',
      'nextStep',
      'fingerprint',
      'namespace',
      'certificate',
    ]);
    expect(tls).toMatchObject({
      cluster: 'prod',
      check: 'certificates',
      severity: 'critical',
      source: 'tls-secret',
      object,
      summary: expect.stringMatching(
        /^Secret payments\/api-tls \(tls\.crt\): certificate CN=api\.example\.com expires in 9 days \(2026-11-30T12:00Z\)$/,
      ),
      nextStep:
        'Renew the certificate in Secret payments/api-tls; if cert-manager manages it, check ' +
        '`kubectl get certificate -n payments` and `kubectl describe certificaterequest -n payments`. ' +
        'Workloads that mount it may need a restart to pick up the new certificate.',
      fingerprint: fingerprint('prod', 'certificates', 'tls-secret', object),
      namespace: 'payments',
      certificate: { subject: 'CN=api.example.com', daysLeft: 9, role: 'leaf', chainLength: 2 },
    });
    expect(ca?.object).toBe('secret payments/api-tls ca.crt');
    expect(ca?.evidence).toEqual([
      '2 certificates in the bundle; earliest to expire is the CA CN=Example Root',
      expect.stringMatching(/^ignored CN=Example Root \(expires .*\): superseded by a newer certificate/),
    ]);
    const long = findingOf((entries[4] as FindingEntry[])[0] as FindingEntry);
    expect(long.evidence).toEqual([
      '2 certificates in the bundle; earliest to expire is the intermediate CA CN=Short Issuing CA',
    ]);
    expect(findingOf((entries[5] as FindingEntry[])[0] as FindingEntry).evidence).toEqual(['read as DER']);
  });

  it('note a password-protected keystore after the evidence, as the last key when there was none', () => {
    const broker = (entries[7] as FindingEntry[]).map(findingOf);
    expect(broker.map((f) => f.object)).toEqual([
      'secret kafka/broker-tls tls.crt',
      'secret kafka/broker-tls truststore.p12',
    ]);
    expect(Object.keys(broker[0] as Finding).at(-1)).toBe('evidence');
    expect(broker[0]?.evidence).toEqual([
      'keystore.p12: password-protected PKCS#12 keystore, not read (tls.crt covers it)',
    ]);
    expect(broker[1]?.evidence).toEqual(['read as PKCS12']);
  });

  it('keep unreadable data as a built finding', () => {
    const [garbage] = entries[6] as FindingEntry[];
    expect(garbage && 'build' in garbage).toBe(false);
    expect(findingOf(garbage as FindingEntry).summary).toMatch(
      /^cannot parse Secret broken\/garbage-tls \(tls\.crt\): /,
    );
  });

  it('answer sorting and counting from the compact form, the same as the built finding', () => {
    for (const e of entries.flat()) {
      const f = findingOf(e);
      expect({
        cluster: e.cluster,
        check: e.check,
        severity: e.severity,
        source: e.source,
        object: e.object,
        notAfter: e.notAfter,
        certificate: e.certificate,
      }).toEqual({
        cluster: f.cluster,
        check: f.check,
        severity: f.severity,
        source: f.source,
        object: f.object,
        notAfter: f.notAfter,
        certificate: f.certificate,
      });
    }
  });

  it('share one verdict between Secrets holding the same chain, never one built finding', () => {
    const payments = (entries[1] as FindingEntry[])[0] as FindingEntry;
    const billing = (entries[2] as FindingEntry[])[0] as FindingEntry;
    expect(payments.certificate).toBe(billing.certificate);
    const a = findingOf(payments);
    a.evidence?.push('changed by a reader');
    a.summary = 'changed';
    const again = findingOf(payments);
    expect(again).not.toBe(a);
    expect(again.summary).toMatch(/^Secret payments\/api-tls/);
    expect(findingOf(billing).summary).toMatch(/^Secret billing\/api-tls \(tls\.crt\)/);
    // Evidence arrays are the built finding's own: a change to one never reaches another.
    const ca = findingOf((entries[1] as FindingEntry[])[1] as FindingEntry);
    ca.evidence?.push('changed by a reader');
    expect(findingOf((entries[1] as FindingEntry[])[1] as FindingEntry).evidence).toHaveLength(2);
  });
});
