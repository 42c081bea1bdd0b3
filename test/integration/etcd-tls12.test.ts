import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import tls from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load-config.js';
import { checkJson } from '../support/check-json.js';
import { FakeKubeApiServer } from '../../src/simulator/kube-api-server/index.js';
import { listenOnLoopback } from '../../src/simulator/listen-on-loopback.js';
import { issueCa, issueLeaf } from '../../src/simulator/cert-factory.js';

const now = new Date(Math.floor(Date.now() / 1000) * 1000);

/**
 * An etcd member with client-cert-auth that only speaks TLS 1.2 rejects vigil (which has no client
 * certificate) during the handshake, yet its own certificate has already arrived: it must still be
 * reported with its expiry, not as "not observed".
 */
describe('etcd over TLS 1.2 demanding a client certificate', () => {
  const ca = issueCa('etcd-ca', now);
  const etcdCert = issueLeaf('etcd-0', now, 6, { issuer: ca, sans: ['127.0.0.1'] });
  const apiCert = issueLeaf('kube-apiserver', now, 300, { issuer: ca, sans: ['127.0.0.1'] });
  let api: FakeKubeApiServer;
  let etcdPort: number;
  let closeEtcd: () => Promise<void>;

  beforeAll(async () => {
    api = await FakeKubeApiServer.start({
      certPem: apiCert.certPem,
      keyPem: apiCert.keyPem,
      tokens: { t: 'vigil' },
    });
    const etcd = tls.createServer({
      cert: etcdCert.chainPem,
      key: etcdCert.keyPem,
      ca: ca.certPem,
      maxVersion: 'TLSv1.2',
      requestCert: true,
      rejectUnauthorized: true,
    });
    etcd.on('tlsClientError', () => {});
    ({ port: etcdPort, close: closeEtcd } = await listenOnLoopback(etcd));
  });
  afterAll(async () => {
    await api?.stop();
    await closeEtcd?.();
  });

  it('reports the etcd certificate from the aborted handshake', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-etcd-'));
    const kubeconfig = join(dir, 'kubeconfig');
    writeFileSync(kubeconfig, api.kubeconfig({ caPem: ca.certPem, token: 't' }));
    const config = parseConfig(
      { clusters: [{ name: 'prod', kubeconfig, tlsEndpoints: [`127.0.0.1:${etcdPort}`] }] },
      'test',
      dir,
    );
    const { findings } = (await checkJson(config, now)).json;
    const etcd = findings.find((f) => f.source === 'tls-endpoint');
    expect(etcd).toMatchObject({ severity: 'critical', subject: 'CN=etcd-0', daysLeft: 6 });
    expect(etcd?.evidence?.join('\n')).toMatch(/read before the handshake failed/);
  });
});
