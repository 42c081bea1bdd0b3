import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { parseCertificates } from '../../../src/checks/certificates/parse-certificates.js';
import {
  isPrivateKeyPath,
  redactKubeconfigSecrets,
  redactPrivateKeyBlocks,
} from '../../../src/checks/host-certificates/redact-secrets.js';
import { issueLeaf } from '../../../src/simulator/cert-factory.js';
import { keyWithMarker } from '../../support/host-tree.js';

const now = new Date('2026-05-01T00:00:00Z');
const cert = issueLeaf('node-1', now, 100, { clientAuth: true });
const keyBody = cert.keyPem.split('\n')[3] ?? '';

describe('redactPrivateKeyBlocks', () => {
  it('blanks the key of a kubelet-style certificate+key file and leaves the certificate parseable', () => {
    const buf = Buffer.from(cert.certPem + keyWithMarker(cert, 'MARK-1'));
    expect(redactPrivateKeyBlocks(buf)).toBe(1);
    const text = buf.toString('latin1');
    expect(text).not.toContain('PRIVATE KEY');
    expect(text).not.toContain('MARK-1');
    expect(text).not.toContain(keyBody);
    expect(parseCertificates(buf).certificates[0]?.fingerprint256).toBe(cert.x509.fingerprint256);
  });

  it('blanks a cut-off key up to the next BEGIN line, so a certificate after it survives', () => {
    const truncated = cert.keyPem.slice(0, 200);
    const buf = Buffer.from(`${truncated}\n${cert.certPem}`);
    expect(redactPrivateKeyBlocks(buf)).toBe(1);
    expect(buf.toString('latin1')).not.toContain(keyBody.slice(0, 20));
    expect(parseCertificates(buf).certificates).toHaveLength(1);
  });

  it('blanks a key whose BEGIN line is damaged, to the end of the data', () => {
    const damaged = cert.keyPem.replace(/-----BEGIN PRIVATE KEY-----/, '----BEGIN PRIVATE KEY---');
    const buf = Buffer.from(cert.certPem + damaged.replace(/-----END PRIVATE KEY-----\n/, ''));
    redactPrivateKeyBlocks(buf);
    expect(buf.toString('latin1')).not.toContain(keyBody);
    expect(parseCertificates(buf).certificates).toHaveLength(1);
  });

  it('leaves a certificate-only file untouched', () => {
    const buf = Buffer.from(cert.chainPem);
    expect(redactPrivateKeyBlocks(buf)).toBe(0);
    expect(buf.toString()).toBe(cert.chainPem);
  });
});

describe('redactKubeconfigSecrets', () => {
  it('overwrites client-key-data, token and password values in YAML, keeping the rest parseable', () => {
    const yaml = [
      'users:',
      '- name: a',
      '  user:',
      '    client-certificate-data: Q0VSVA==',
      '    client-key-data: S0VZLVNFQ1JFVA==',
      '- name: b',
      '  user:',
      '    token: "tok-SECRET"',
      '    password: pw-SECRET',
      '- name: c',
      '  user:',
      '    client-key-data: |',
      '      S0VZLUxJTkUx',
      '      S0VZLUxJTkUy',
      '    client-certificate-data: Q0VSVDI=',
      '',
    ].join('\n');
    const buf = Buffer.from(yaml);
    expect(redactKubeconfigSecrets(buf)).toBe(4);
    const text = buf.toString();
    for (const secret of ['S0VZLVNFQ1JFVA==', 'tok-SECRET', 'pw-SECRET', 'S0VZLUxJTkUx', 'S0VZLUxJTkUy']) {
      expect(text).not.toContain(secret);
    }
    const doc = parse(text) as { users: { user: Record<string, string> }[] };
    expect(doc.users[0]?.user['client-certificate-data']).toBe('Q0VSVA==');
    expect(doc.users[2]?.user['client-certificate-data']).toBe('Q0VSVDI=');
  });

  it('overwrites values in a one-line JSON kubeconfig without breaking it', () => {
    const json =
      '{"users":[{"name":"u","user":{"client-key-data":"S0VZ+/=","client-certificate-data":"Q0VSVA=="}}]}';
    const buf = Buffer.from(json);
    expect(redactKubeconfigSecrets(buf)).toBe(1);
    const doc = JSON.parse(buf.toString()) as { users: { user: Record<string, string> }[] };
    expect(doc.users[0]?.user['client-key-data']).toBe('xxxxxxx');
    expect(doc.users[0]?.user['client-certificate-data']).toBe('Q0VSVA==');
  });

  it('ignores keys that only contain a secret word (tokenFile, client-key)', () => {
    const text = '    tokenFile: /var/run/token\n    client-key: /etc/kubernetes/pki/admin.key\n';
    const buf = Buffer.from(text);
    expect(redactKubeconfigSecrets(buf)).toBe(0);
    expect(buf.toString()).toBe(text);
  });
});

describe('isPrivateKeyPath', () => {
  it.each([
    ['/etc/kubernetes/pki/ca.key', true],
    ['/etc/ssl/private/server.KEY', true],
    ['/etc/cfssl/apiserver-key.pem', true],
    ['/etc/letsencrypt/live/x/privkey.pem', true],
    ['/etc/letsencrypt/live/x/privkey1.pem', true],
    ['/etc/kubernetes/pki/ca.crt', false],
    ['/var/lib/kubelet/pki/kubelet-client-current.pem', false],
    ['/etc/ssl/monkey.pem', false],
  ])('%s -> %s', (path, isKey) => {
    expect(isPrivateKeyPath(path)).toBe(isKey);
  });
});
