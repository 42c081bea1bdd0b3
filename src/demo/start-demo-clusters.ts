import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { FakeKubeApiServer, startTlsEndpoint, type TlsEndpoint } from '../simulator/kube-api-server/index.js';
import type { VigilConfig } from '../config/config-schema.js';
import { parseConfig } from '../config/load-config.js';
import { startDemoRegistries } from './demo-registries.js';
import { demoObjects, demoPki, type DemoPki } from './demo-scenario.js';
import { demoStatefulSetObjects } from './demo-statefulsets.js';

const token = 'demo-token-vigil';

/** Spare loopback addresses for etcd's real port: one each for demos and tests running side by side. */
const etcdHosts = Array.from({ length: 32 }, (_, i) => `127.0.${i + 2}.1`);

/**
 * The first spare loopback address where port 2379 is free, so the demo's etcd reads like etcd (the
 * certificate check names port 2379 "etcd server") beside another demo holding the first one; its
 * certificate is then minted for that address. 127.0.0.1 when none is free.
 */
async function freeEtcdHost(): Promise<string> {
  for (const host of etcdHosts) {
    const free = await new Promise<boolean>((resolve) => {
      const probe = createServer();
      probe.once('error', () => resolve(false));
      probe.listen(2379, host, () => probe.close(() => resolve(true)));
    });
    if (free) return host;
  }
  return '127.0.0.1';
}

/** etcd on `host`:2379, or on any free port of 127.0.0.1 (which its certificate also names) if taken meanwhile. */
async function startEtcd(
  host: string,
  certPem: string,
  keyPem: string,
  clientCaPem: string,
): Promise<TlsEndpoint> {
  try {
    return await startTlsEndpoint({
      certPem,
      keyPem,
      host,
      port: 2379,
      requestClientCert: true,
      clientCaPem,
    });
  } catch {
    return startTlsEndpoint({ certPem, keyPem, requestClientCert: true, clientCaPem });
  }
}

export interface DemoClusters {
  config: Readonly<VigilConfig>;
  now: Date;
  /** The prod cluster's API server: its objects are mutable, which is how the live demo moves on. */
  prod: FakeKubeApiServer;
  /** The registries' hosts (`127.0.0.1:PORT`), as the pull secrets name them. */
  registries: { shop: string; payments: string };
  /** The cluster CA of prod, for objects minted later (a renewed certificate). */
  pki: DemoPki;
  /** Private temp dir (kubeconfigs, CA files); removed by stop(). */
  dir: string;
  stop(): Promise<void>;
}

export interface DemoClustersOptions {
  /** Top-level vigil.yaml sections to add (the live demo's schedules, alerts, outbox). */
  config?: Record<string, unknown>;
  /**
   * Mint certificates as if it were this much later. Days left are rounded down, so a certificate
   * minted "5 days from now" reads 4 days a second later; the live demo runs for minutes and mints
   * ahead so its cards read as documented. Pods, events and statuses stay relative to `now`.
   */
  mintAheadMs?: number;
}

/**
 * Starts the two simulated clusters on loopback (a fake Kubernetes API over HTTPS plus TLS endpoints
 * for etcd and kubelets) and writes their kubeconfigs. Used by `vigil demo` and by the tests.
 */
export async function startDemoClusters(now: Date, options: DemoClustersOptions = {}): Promise<DemoClusters> {
  const minted = new Date(now.getTime() + (options.mintAheadMs ?? 0));
  const etcdHost = await freeEtcdHost();
  const pki = demoPki(minted, etcdHost);
  const dir = mkdtempSync(join(tmpdir(), 'vigil-demo-'));
  const stops: (() => Promise<void>)[] = [];
  const stop = async () => {
    await Promise.allSettled(stops.map((s) => s()));
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const prod = await FakeKubeApiServer.start({
      certPem: pki.apiServer.certPem,
      keyPem: pki.apiServer.keyPem,
      tokens: { [token]: 'system:serviceaccount:vigil:vigil' },
    });
    stops.push(() => prod.stop());
    const stale = await startTlsEndpoint({
      certPem: pki.staleApiServer.certPem,
      keyPem: pki.staleApiServer.keyPem,
    });
    const kubeletA = await startTlsEndpoint({
      certPem: pki.kubeletOk.chainPem,
      keyPem: pki.kubeletOk.keyPem,
    });
    const kubeletB = await startTlsEndpoint({
      certPem: pki.kubeletExpiring.certPem,
      keyPem: pki.kubeletExpiring.keyPem,
    });
    const etcd = await startEtcd(etcdHost, pki.etcd.chainPem, pki.etcd.keyPem, pki.clusterCa.certPem);
    stops.push(stale.stop, kubeletA.stop, kubeletB.stop, etcd.stop);
    prod.upsertMany(
      demoObjects(minted, pki, {
        apiServer: prod.port,
        staleApiServer: stale.port,
        kubeletA: kubeletA.port,
        kubeletB: kubeletB.port,
      }),
    );
    prod.upsertMany(demoStatefulSetObjects(now));
    const registries = await startDemoRegistries(now, dir);
    stops.push(registries.stop);
    prod.upsertMany(registries.objects);

    // "edge": its API server certificate expired three days ago, so the API itself is unreachable.
    const edge = await FakeKubeApiServer.start({
      certPem: pki.edgeApiServer.certPem,
      keyPem: pki.edgeApiServer.keyPem,
      clientCaPem: pki.edgeCa.certPem,
    });
    stops.push(() => edge.stop());

    const prodKubeconfig = join(dir, 'prod.kubeconfig');
    const edgeKubeconfig = join(dir, 'edge.kubeconfig');
    writeFileSync(
      prodKubeconfig,
      prod.kubeconfig({ caPem: pki.clusterCa.certPem, token, contextName: 'prod-admin' }),
      {
        mode: 0o600,
      },
    );
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
          {
            name: 'prod',
            kubeconfig: prodKubeconfig,
            context: 'prod-admin',
            tlsEndpoints: [`${etcd.host}:${etcd.port}`],
          },
          { name: 'edge', kubeconfig: edgeKubeconfig },
        ],
        registries: registries.config,
        ...options.config,
      },
      'demo (embedded config)',
      dir,
    );

    return { config, now, prod, registries: registries.hosts, pki, dir, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
