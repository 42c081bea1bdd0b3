import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeKubeApiServer, startTlsEndpoint, type TlsEndpoint } from '../../test/fakes/kube-api-server/index.js';
import { runCheckCommand, type CheckCommandOptions } from '../cli/check-command.js';
import { parseConfig } from '../config/load-config.js';
import { demoObjects, demoPki } from './demo-scenario.js';

const token = 'demo-token-vigil';

/** Binds etcd to its real port on a spare loopback address when possible, so it reads like etcd. */
async function startEtcd(certPem: string, keyPem: string, clientCaPem: string): Promise<TlsEndpoint> {
  try {
    return await startTlsEndpoint({ certPem, keyPem, host: '127.0.2.1', port: 2379, requestClientCert: true, clientCaPem });
  } catch {
    return startTlsEndpoint({ certPem, keyPem, requestClientCert: true, clientCaPem });
  }
}

/**
 * `vigil demo`: starts two simulated clusters on loopback (a fake Kubernetes API over HTTPS and TLS
 * endpoints for etcd and kubelets), writes their kubeconfigs, and runs the real `vigil check` against
 * them. Everything is torn down afterwards; nothing leaves the machine.
 */
export async function runDemo(o: CheckCommandOptions): Promise<number> {
  // X.509 keeps whole seconds; minting at a whole second keeps "5 days left" from reading 4.
  const now = new Date(Math.floor(Date.now() / 1000) * 1000);
  const pki = demoPki(now);
  const dir = mkdtempSync(join(tmpdir(), 'vigil-demo-'));
  const stops: (() => Promise<void>)[] = [];
  try {
    const prod = await FakeKubeApiServer.start({
      certPem: pki.apiServer.certPem,
      keyPem: pki.apiServer.keyPem,
      tokens: { [token]: 'system:serviceaccount:vigil:vigil' },
    });
    stops.push(() => prod.stop());
    const stale = await startTlsEndpoint({ certPem: pki.staleApiServer.certPem, keyPem: pki.staleApiServer.keyPem });
    const kubeletA = await startTlsEndpoint({ certPem: pki.kubeletOk.chainPem, keyPem: pki.kubeletOk.keyPem });
    const kubeletB = await startTlsEndpoint({ certPem: pki.kubeletExpiring.certPem, keyPem: pki.kubeletExpiring.keyPem });
    const etcd = await startEtcd(pki.etcd.chainPem, pki.etcd.keyPem, pki.clusterCa.certPem);
    stops.push(stale.stop, kubeletA.stop, kubeletB.stop, etcd.stop);
    prod.upsertMany(
      demoObjects(now, pki, {
        apiServer: prod.port,
        staleApiServer: stale.port,
        kubeletA: kubeletA.port,
        kubeletB: kubeletB.port,
      }),
    );

    // "edge": its API server certificate expired three days ago, so the API itself is unreachable.
    const edge = await FakeKubeApiServer.start({
      certPem: pki.edgeApiServer.certPem,
      keyPem: pki.edgeApiServer.keyPem,
      clientCaPem: pki.edgeCa.certPem,
    });
    stops.push(() => edge.stop());

    const prodKubeconfig = join(dir, 'prod.kubeconfig');
    const edgeKubeconfig = join(dir, 'edge.kubeconfig');
    writeFileSync(prodKubeconfig, prod.kubeconfig({ caPem: pki.clusterCa.certPem, token, contextName: 'prod-admin' }), {
      mode: 0o600,
    });
    writeFileSync(
      edgeKubeconfig,
      edge.kubeconfig({
        caPem: pki.edgeCa.certPem,
        clientCertPem: pki.edgeAdmin.certPem,
        clientKeyPem: pki.edgeAdmin.keyPem,
        contextName: 'edge-admin',
      }),
      { mode: 0o600 },
    );
    const config = parseConfig(
      {
        clusters: [
          { name: 'prod', kubeconfig: prodKubeconfig, context: 'prod-admin', tlsEndpoints: [`${etcd.host}:${etcd.port}`] },
          { name: 'edge', kubeconfig: edgeKubeconfig },
        ],
      },
      'demo (embedded config)',
      dir,
    );

    const result = await runCheckCommand(config, o, () => now);
    if (o.output === 'table') {
      process.stdout.write(
        'vigil demo: two simulated clusters on loopback, certificates minted relative to now.\n' +
          '  prod: API server certificate expiring, an etcd certificate issued for 1 year 355 days ago, TLS Secrets,\n' +
          '        a webhook caBundle, a cert-manager Certificate failing to renew.\n' +
          '  edge: its API server certificate expired 3 days ago.\n\n',
      );
    }
    process.stdout.write(`${result.text}\n`);
    if (o.output === 'table') {
      process.stdout.write(
        `\n\`vigil check\` would exit ${result.exitCode} here (0 ok, 1 warning, 2 critical, 3 unknown). ` +
          'Point it at your own clusters with vigil.yaml (see README.md).\n',
      );
    }
    // The demo itself succeeded; its findings are the point, not a failure of the command.
    return 0;
  } finally {
    await Promise.allSettled(stops.map((s) => s()));
    rmSync(dir, { recursive: true, force: true });
  }
}
