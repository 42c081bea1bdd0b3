import { describe, expect, it } from 'vitest';
import {
  capSeries,
  certificateSeriesOf,
  MAX_LABEL_CHARS,
  objectName,
} from '../../../src/metrics/certificate-series.js';
import { commonName } from '../../../src/metrics/common-name.js';
import { certFinding, snapshotOf } from './certificate-fixtures.js';

describe('certificate series', () => {
  it('one series per certificate, labelled like x509-certificate-exporter (subject_CN, issuer_CN)', () => {
    const series = certificateSeriesOf(
      snapshotOf('prod', [
        certFinding('prod', 'secret shop/web-tls tls.crt', '2026-02-01T00:00:00.000Z', { namespace: 'shop' }),
        {
          cluster: 'prod',
          check: 'certificates',
          severity: 'warning',
          source: 'cert-manager',
          object: 'certificate.cert-manager.io shop/web',
          summary: 'not Ready',
          fingerprint: 'x',
          namespace: 'shop',
          notAfter: '2026-01-20T00:00:00.000Z',
        },
        {
          cluster: 'prod',
          check: 'cluster',
          severity: 'ok',
          source: 'cluster-access',
          object: 'api',
          summary: '',
          fingerprint: 'y',
        },
      ]),
    );
    expect(series).toEqual([
      {
        labels: {
          cluster: 'prod',
          check: 'certificates',
          source: 'tls-secret',
          namespace: 'shop',
          name: 'web-tls',
          key: 'tls.crt',
          object: 'secret shop/web-tls tls.crt',
          subject: 'CN=shop.example.com, O=Shop',
          subject_CN: 'shop.example.com',
          issuer_CN: 'shop-ca',
        },
        notAfter: Date.parse('2026-02-01T00:00:00.000Z') / 1000,
      },
      {
        labels: {
          cluster: 'prod',
          check: 'certificates',
          source: 'cert-manager',
          namespace: 'shop',
          name: 'web',
          key: '',
          object: 'certificate.cert-manager.io shop/web',
          subject: '',
          subject_CN: '',
          issuer_CN: '',
        },
        notAfter: Date.parse('2026-01-20T00:00:00.000Z') / 1000,
      },
    ]);
  });

  it('keeps the earlier of two findings about the same object, and cuts very long label values', () => {
    const long = `CN=${'a'.repeat(400)}`;
    const series = certificateSeriesOf(
      snapshotOf('prod', [
        certFinding('prod', 'endpoint 10.0.0.1:443', '2026-03-01T00:00:00.000Z', { subject: long }),
        certFinding('prod', 'endpoint 10.0.0.1:443', '2026-02-01T00:00:00.000Z', { subject: long }),
      ]),
    );
    expect(series).toHaveLength(1);
    expect(series[0]?.notAfter).toBe(Date.parse('2026-02-01T00:00:00.000Z') / 1000);
    expect(series[0]?.labels.subject).toHaveLength(MAX_LABEL_CHARS);
    expect(series[0]?.labels.subject_CN.endsWith('…')).toBe(true);
  });

  it("names the object as a dashboard would: the Secret's name and key, the node, the endpoint, the owner", () => {
    expect(objectName('secret shop/web-tls tls.crt', 'shop')).toEqual({ name: 'web-tls', key: 'tls.crt' });
    expect(
      objectName('configmap kube-system/extension-apiserver-authentication client-ca-file', 'kube-system'),
    ).toEqual({
      name: 'extension-apiserver-authentication',
      key: 'client-ca-file',
    });
    expect(objectName('certificate.cert-manager.io shop/web', 'shop')).toEqual({ name: 'web', key: '' });
    expect(objectName('kubelet node-01', undefined)).toEqual({ name: 'node-01', key: '' });
    expect(objectName('apiserver endpoint 10.0.0.1:6443', undefined)).toEqual({
      name: '10.0.0.1:6443',
      key: '',
    });
    expect(objectName('apiserver https://10.0.0.1:6443', undefined)).toEqual({
      name: 'https://10.0.0.1:6443',
      key: '',
    });
    expect(objectName('service policy/webhook:443 serving certificate', 'policy')).toEqual({
      name: 'webhook:443',
      key: '',
    });
    expect(
      objectName(
        'validatingwebhookconfiguration/policy-0 webhook validate.policy-0.example.com caBundle',
        'policy',
      ),
    ).toEqual({ name: 'validatingwebhookconfiguration/policy-0', key: '' });
    expect(objectName('registry registry.corp.example:5000', undefined)).toEqual({
      name: 'registry.corp.example:5000',
      key: '',
    });
  });

  it('reads the CN out of a one-line DN, escaped commas included', () => {
    expect(commonName('O=Acme\\, Inc., CN=api.acme.test, C=DE')).toBe('api.acme.test');
    expect(commonName('CN=Acme\\, Inc. Root CA')).toBe('Acme\\, Inc. Root CA');
    expect(commonName('O=no common name')).toBe('');
  });

  it('caps the series, keeping those that expire first, and says how many it left out', () => {
    const a = certificateSeriesOf(
      snapshotOf('a', [
        certFinding('a', 'x', '2026-05-01T00:00:00.000Z'),
        certFinding('a', 'y', '2026-01-01T00:00:00.000Z'),
      ]),
    );
    const b = certificateSeriesOf(snapshotOf('b', [certFinding('b', 'z', '2026-03-01T00:00:00.000Z')]));
    const capped = capSeries([a, b], 2);
    expect(capped.dropped).toBe(1);
    expect(capped.kept.map((s) => `${s.labels.cluster}/${s.labels.object}`)).toEqual(['a/y', 'b/z']);
    expect(capSeries([a, b], 10)).toMatchObject({ dropped: 0 });
    expect(capSeries([a, b], 0)).toEqual({ kept: [], dropped: 3 });
  });
});
