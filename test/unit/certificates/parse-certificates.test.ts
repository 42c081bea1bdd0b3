import { describe, expect, it } from 'vitest';
import {
  CertificateParseError,
  parseCertificates,
} from '../../../src/checks/certificates/parse-certificates.js';
import { issueCa, issueLeaf, toDer, toPkcs12 } from '../../../src/simulator/cert-factory.js';

const now = new Date('2026-11-21T12:00:00Z');
const root = issueCa('root-ca', now);
const inter = issueCa('intermediate-ca', now, { issuer: root });
const leaf = issueLeaf('api.example', now, 60, { issuer: inter });

function parseError(data: Buffer, opts?: { pkcs12Password?: string }): CertificateParseError {
  try {
    parseCertificates(data, opts);
  } catch (err) {
    expect(err).toBeInstanceOf(CertificateParseError);
    const e = err as CertificateParseError;
    expect(e.code).toBe('cert-parse');
    expect(e.retryable).toBe(false);
    return e;
  }
  throw new Error('expected parseCertificates to throw');
}

/** The base64 lines of a PEM (no BEGIN/END lines). */
function bodyLines(pem: string): string[] {
  return pem.split(/\r?\n/).filter((l) => l.length > 0 && !l.startsWith('-----'));
}

describe('parseCertificates', () => {
  it('reads a single PEM certificate', () => {
    const parsed = parseCertificates(Buffer.from(leaf.certPem));
    expect(parsed.format).toBe('pem');
    expect(parsed.certificates).toHaveLength(1);
    expect(parsed.certificates[0]?.fingerprint256).toBe(leaf.x509.fingerprint256);
  });

  it('reads every certificate of a PEM chain in order, ignoring the private key and CRLF', () => {
    const bundle = (leaf.keyPem + leaf.chainPem).replace(/\n/g, '\r\n');
    const parsed = parseCertificates(Buffer.from(bundle));
    expect(parsed.certificates.map((c) => c.fingerprint256)).toEqual([
      leaf.x509.fingerprint256,
      inter.x509.fingerprint256,
      root.x509.fingerprint256,
    ]);
  });

  it('reads a DER certificate', () => {
    const parsed = parseCertificates(toDer(leaf));
    expect(parsed.format).toBe('der');
    expect(parsed.certificates.map((c) => c.fingerprint256)).toEqual([leaf.x509.fingerprint256]);
  });

  it('reads a password-protected PKCS#12 bundle with its chain, leaf first', () => {
    const parsed = parseCertificates(toPkcs12(leaf, 's3cret'), { pkcs12Password: 's3cret' });
    expect(parsed.format).toBe('pkcs12');
    expect(parsed.certificates.map((c) => c.fingerprint256)).toEqual([
      leaf.x509.fingerprint256,
      inter.x509.fingerprint256,
      root.x509.fingerprint256,
    ]);
  });

  it('falls back to the empty password for PKCS#12', () => {
    const parsed = parseCertificates(toPkcs12(leaf, ''), { pkcs12Password: 'configured-but-unused' });
    expect(parsed.certificates[0]?.fingerprint256).toBe(leaf.x509.fingerprint256);
  });

  it('reports a wrong PKCS#12 password, and a missing one', () => {
    const p12 = toPkcs12(leaf, 's3cret');
    const wrong = parseError(p12, { pkcs12Password: 'nope' });
    expect(wrong.message).toMatch(/^PKCS#12 bundle is password-protected; the configured password/);
    expect(wrong.message).not.toContain('nope');
    expect(parseError(p12).message).toMatch(/^PKCS#12 bundle is password-protected; configure its password/);
  });

  it('rejects empty and whitespace-only data', () => {
    expect(parseError(Buffer.alloc(0)).message).toMatch(/^is empty/);
    expect(parseError(Buffer.from(' \n\t\r\n')).message).toMatch(/whitespace/);
  });

  it('rejects garbage without quoting it', () => {
    const text = parseError(Buffer.from('hello this is not a certificate'));
    expect(text.message).toMatch(/^not a PEM, DER or PKCS#12 certificate/);
    expect(text.message).not.toContain('hello');
    // A complete ASN.1 SEQUENCE that is neither a certificate nor a PFX.
    const binary = parseError(Buffer.from([0x30, 0x03, 0x02, 0x01, 0x05]));
    expect(binary.message).toMatch(/^not a PEM, DER or PKCS#12 certificate/);
  });

  it('reports cut-off DER and PKCS#12 data as truncated with sizes', () => {
    const der = toDer(leaf);
    expect(parseError(der.subarray(0, 500)).message).toBe(
      `truncated DER data (500 of ${der.length} bytes); copy the whole certificate file`,
    );
    const p12 = toPkcs12(leaf, 's3cret');
    expect(parseError(p12.subarray(0, 700), { pkcs12Password: 's3cret' }).message).toMatch(
      /^truncated DER data \(700 of \d+ bytes\)/,
    );
  });

  it('reports a damaged BEGIN line instead of silently dropping the block', () => {
    const cut = Buffer.from(leaf.certPem + '-----BEGIN CERTIF');
    expect(parseError(cut).message).toMatch(/^malformed PEM: a BEGIN line is damaged or cut off/);
    const dash = Buffer.from(
      leaf.certPem + root.certPem.replace('-----BEGIN CERTIFICATE-----', '-----BEGIN CERTIFICATE----'),
    );
    expect(parseError(dash).message).toMatch(/^malformed PEM/);
  });

  it('names other PEM block types when there is no certificate', () => {
    const csr = '-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----\n';
    expect(parseError(Buffer.from(csr)).message).toBe(
      'holds PEM blocks (CERTIFICATE REQUEST) but no CERTIFICATE block',
    );
  });

  it('hints at double base64 encoding', () => {
    const twice = Buffer.from(Buffer.from(leaf.certPem).toString('base64'));
    expect(parseError(twice).message).toMatch(/base64-encoded twice/);
  });

  it('reports a PEM block without END as truncated, naming the block', () => {
    const cut = leaf.chainPem.slice(0, leaf.chainPem.lastIndexOf('-----END CERTIFICATE-----'));
    expect(parseError(Buffer.from(cut)).message).toMatch(
      /^truncated PEM: BEGIN CERTIFICATE without END \(certificate 3 of 3\)/,
    );
    // END missing in the middle: the next BEGIN comes first.
    const middle = leaf.certPem + inter.certPem.replace('-----END CERTIFICATE-----', '') + root.certPem;
    expect(parseError(Buffer.from(middle)).message).toContain('(certificate 2 of 3)');
  });

  it('names the corrupt block of a bundle and throws even though the others parse', () => {
    const lines = bodyLines(inter.certPem);
    const damaged = `-----BEGIN CERTIFICATE-----\n${lines.slice(0, 4).join('\n')}\n-----END CERTIFICATE-----\n`;
    const e = parseError(Buffer.from(leaf.certPem + damaged + root.certPem));
    expect(e.message).toMatch(
      /^certificate 2 of 3 is corrupt: truncated \(\d+ of \d+ bytes\); re-export the bundle$/,
    );
    expect(e.message).not.toContain(lines[1]);
    const notBase64 = `-----BEGIN CERTIFICATE-----\n${lines[0]}\n%%%%\n-----END CERTIFICATE-----\n`;
    expect(parseError(Buffer.from(leaf.certPem + notBase64)).message).toMatch(
      /^certificate 2 of 2 is corrupt: the block is not valid base64/,
    );
  });

  it('reports a key-only PEM without leaking the key', () => {
    const e = parseError(Buffer.from(leaf.keyPem));
    expect(e.message).toMatch(/holds a private key but no certificate/);
    for (const line of bodyLines(leaf.keyPem)) expect(e.message).not.toContain(line);
    expect(JSON.stringify({ ...e, message: e.message })).not.toContain(bodyLines(leaf.keyPem)[0]);
  });

  it('rejects TRUSTED CERTIFICATE blocks with a conversion hint', () => {
    const trusted = leaf.certPem.replace(/CERTIFICATE/g, 'TRUSTED CERTIFICATE');
    expect(parseError(Buffer.from(trusted)).message).toMatch(
      /TRUSTED CERTIFICATE block, which is not supported/,
    );
  });
});
