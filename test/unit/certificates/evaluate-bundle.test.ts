import { describe, expect, it } from 'vitest';
import { describeCertificate, evaluateBundle } from '../../../src/checks/certificates/evaluate-bundle.js';
import { defaultThresholds } from '../../../src/checks/certificates/expiry-thresholds.js';
import { parseCertificates } from '../../../src/checks/certificates/parse-certificates.js';
import { daysFrom, issueCa, issueCert, issueLeaf } from '../../../src/simulator/cert-factory.js';

const now = new Date('2026-11-21T12:00:00Z');
const t = defaultThresholds;
const certsOf = (pem: string) => parseCertificates(Buffer.from(pem)).certificates;

describe('evaluateBundle on a chain', () => {
  const root = issueCa('root-ca', now);
  // Expires in 20 days, before the leaf (60 days): the chain breaks when the intermediate does.
  const inter = issueCa('intermediate-ca', now, { issuer: root, ageDays: 345, lifetimeDays: 365 });
  const leaf = issueLeaf('api.example', now, 60, { issuer: inter });

  it('assigns roles and picks the intermediate that expires first', () => {
    const result = evaluateBundle(certsOf(leaf.chainPem), now, t);
    expect(result.all.map((c) => c.role)).toEqual(['leaf', 'intermediate', 'ca']);
    expect(result.all.map((c) => c.chainLength)).toEqual([3, 3, 3]);
    expect(result.earliest.role).toBe('intermediate');
    expect(result.earliest.subject).toBe('CN=intermediate-ca');
    expect(result.earliest.issuer).toBe('CN=root-ca');
    expect(result.earliest.daysLeft).toBe(20);
    expect(result.earliest.expiry).toBe('critical'); // CA thresholds: 20 <= 30
    expect(result.superseded).toEqual([]);
  });

  it('picks the leaf on a tie', () => {
    const sameDay = issueCert({
      commonName: 'svc',
      notBefore: daysFrom(now, -10),
      notAfter: daysFrom(now, 20),
      issuer: inter,
    });
    const result = evaluateBundle(certsOf(inter.certPem + sameDay.certPem), now, t);
    expect(result.all.map((c) => c.role)).toEqual(['intermediate', 'leaf']);
    expect(result.earliest.role).toBe('leaf');
    expect(result.earliest.subject).toBe('CN=svc');
  });

  it('calls a lone self-signed serving certificate self-signed, and a CA in a CA bundle', () => {
    const self = issueLeaf('webhook.svc', now, 100);
    expect(evaluateBundle([self.x509], now, t).earliest.role).toBe('self-signed');
    expect(evaluateBundle([self.x509], now, t, { kind: 'ca-bundle' }).earliest.role).toBe('ca');
  });

  it('gives CA-bundle roles: self-signed -> ca, other CAs -> intermediate, non-CA -> leaf', () => {
    const result = evaluateBundle(certsOf(root.certPem + inter.certPem + leaf.certPem), now, t, {
      kind: 'ca-bundle',
    });
    expect(result.all.map((c) => c.role)).toEqual(['ca', 'intermediate', 'leaf']);
  });
});

describe('evaluateBundle during a CA rotation', () => {
  const oldCa = issueCa('cluster-ca', now, { ageDays: 3640, lifetimeDays: 3650 }); // 10 days left

  it('ignores the old CA when a newer valid one with the same subject is present', () => {
    const newCa = issueCa('cluster-ca', now, { ageDays: 1 });
    const result = evaluateBundle([oldCa.x509, newCa.x509], now, t, { kind: 'ca-bundle' });
    expect(result.superseded.map((c) => c.fingerprint256)).toEqual([oldCa.x509.fingerprint256]);
    expect(result.earliest.fingerprint256).toBe(newCa.x509.fingerprint256);
    expect(result.earliest.expiry).toBe('ok');
    expect(result.all).toHaveLength(2);
  });

  it('still counts the old CA when the new one is not valid yet', () => {
    const future = issueCert({
      commonName: 'cluster-ca',
      notBefore: daysFrom(now, 2),
      notAfter: daysFrom(now, 3650),
      isCa: true,
    });
    const result = evaluateBundle([oldCa.x509, future.x509], now, t, { kind: 'ca-bundle' });
    expect(result.superseded).toEqual([]);
    expect(result.earliest.fingerprint256).toBe(oldCa.x509.fingerprint256);
    expect(result.earliest.expiry).toBe('critical');
  });

  it('does not let a different subject supersede', () => {
    const other = issueCa('other-ca', now, { ageDays: 1 });
    const result = evaluateBundle([oldCa.x509, other.x509], now, t, { kind: 'ca-bundle' });
    expect(result.superseded).toEqual([]);
    expect(result.earliest.subject).toBe('CN=cluster-ca');
  });
});

describe('describeCertificate', () => {
  it('fills every fact from the certificate', () => {
    const cert = issueCert({
      commonName: 'api',
      organization: 'acme',
      sans: ['api.example', '10.0.0.1', 'odd,name'],
      notBefore: new Date('2026-01-01T00:00:00Z'),
      notAfter: new Date('2027-01-01T00:00:00Z'),
    });
    const facts = describeCertificate(cert.x509, 'self-signed', now, t, 1);
    expect(facts).toEqual({
      subject: 'CN=api, O=acme',
      issuer: 'CN=api, O=acme',
      sans: ['api.example', '10.0.0.1', 'odd,name'],
      serialNumber: cert.x509.serialNumber,
      fingerprint256: cert.x509.fingerprint256,
      notBefore: '2026-01-01T00:00:00.000Z',
      notAfter: '2027-01-01T00:00:00.000Z',
      daysLeft: 40,
      role: 'self-signed',
      isCa: false,
      expiry: 'ok',
      chainLength: 1,
    });
  });
});
