import fc from 'fast-check';
import forge from 'node-forge';
import { describe, it } from 'vitest';
import { parseCertificates } from '../../src/checks/certificates/parse-certificates.js';
import { issueCa, issueLeaf, toDer, toPkcs12 } from '../../src/simulator/cert-factory.js';
import { fuzzParams, mutatedBytes, outcomeOf, tally } from './fuzz-run.js';

/**
 * parseCertificates on mutated real certificates: whatever the bytes, it returns certificates or
 * throws CertificateParseError (code cert-parse), never a TypeError or RangeError from node:crypto or
 * node-forge, and never takes long.
 */
const now = new Date('2026-11-21T12:00:00Z');
const ca = issueCa('fuzz-ca', now);
const leaf = issueLeaf('api.fuzz.example', now, 60, { issuer: ca });
const der = toDer(leaf);

/** Unencrypted and without MAC, so a mutation inside the certificate reaches the certificate parser. */
function plainPkcs12(): Buffer {
  const asn1 = forge.pkcs12.toPkcs12Asn1(null, [leaf.forgeCert, ca.forgeCert], null, {
    useMac: false,
  } as Parameters<typeof forge.pkcs12.toPkcs12Asn1>[3]);
  return Buffer.from(forge.asn1.toDer(asn1).getBytes(), 'binary');
}
const plainP12 = plainPkcs12();
const derAt = plainP12.indexOf(der);

const pem = (body: Buffer, label = 'CERTIFICATE') =>
  `-----BEGIN ${label}-----\n${(body.toString('base64').match(/.{1,64}/g) ?? []).join('\n')}\n-----END ${label}-----\n`;

const seeds = {
  pem: Buffer.from(leaf.chainPem),
  'pem-with-key': Buffer.from(leaf.keyPem + leaf.certPem),
  der,
  pkcs12: toPkcs12(leaf, ''),
  'pkcs12-password': toPkcs12(leaf, 's3cret'),
  'pkcs12-plain': plainP12,
};

const t = tally('certificates');
const parse = (data: Buffer, pkcs12Password?: string) =>
  outcomeOf(t, () => {
    const parsed = parseCertificates(data, pkcs12Password === undefined ? {} : { pkcs12Password });
    return `ok:${parsed.format}`;
  });

describe('fuzz: parseCertificates', () => {
  for (const [name, bytes] of Object.entries(seeds)) {
    it(`mutated ${name} bytes are read or rejected as cert-parse`, () => {
      fc.assert(
        fc.property(mutatedBytes(bytes), fc.option(fc.constantFrom('s3cret', 'wrong', '')), (data, pw) => {
          parse(data, pw ?? undefined);
        }),
        fuzzParams(60),
      );
    });
  }

  it('mutated DER re-wrapped in PEM, with damaged armour, is read or rejected', () => {
    const armour = fc.record({
      label: fc.constantFrom('CERTIFICATE', 'TRUSTED CERTIFICATE', 'PRIVATE KEY', 'X509 CRL', 'certificate'),
      eol: fc.constantFrom('\n', '\r\n', '\r', ''),
      cutEnd: fc.boolean(),
      extraBegin: fc.boolean(),
    });
    fc.assert(
      fc.property(mutatedBytes(der), armour, (body, a) => {
        let text = pem(body, a.label).replace(/\n/g, a.eol);
        if (a.cutEnd) text = text.slice(0, text.lastIndexOf('-----END'));
        if (a.extraBegin) text = `${text}-----BEGIN CERTIFICATE-----\n`;
        parse(Buffer.from(text));
      }),
      fuzzParams(80),
    );
  });

  it('a mutated certificate inside a well-formed PKCS#12 bundle is read or rejected', () => {
    const inner = mutatedBytes(der).map((cert) =>
      Buffer.concat([plainP12.subarray(0, derAt), cert, plainP12.subarray(derAt + der.length)]),
    );
    fc.assert(
      fc.property(inner, (data) => {
        parse(data);
      }),
      fuzzParams(80),
    );
  });

  it('arbitrary bytes and text are read or rejected', () => {
    const data = fc.oneof(
      fc.uint8Array({ maxLength: 512 }).map((a) => Buffer.from(a)),
      fc.string({ unit: 'binary', maxLength: 256 }).map((s) => Buffer.from(s)),
      fc
        .array(
          fc.constantFrom('-----BEGIN CERTIFICATE-----', '-----END CERTIFICATE-----', 'MII', '=', '\n', ' '),
        )
        .map((parts) => Buffer.from(parts.join(''))),
      // A SEQUENCE header announcing any length, over anything.
      fc
        .tuple(fc.integer({ min: 0x80, max: 0x8f }), fc.uint8Array({ maxLength: 64 }))
        .map(([len, rest]) => Buffer.from([0x30, len, ...rest])),
    );
    fc.assert(
      fc.property(data, (bytes) => {
        parse(bytes);
      }),
      fuzzParams(150),
    );
  });
});
