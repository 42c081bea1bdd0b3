/**
 * Child process of bench/registries-probe.ts: starts the benchmark's registries on 127.0.0.1 (fake
 * registries and silent servers) in a process of their own, so their CPU does not count as vigil's,
 * prints one JSON line describing them, and stops when its stdin closes.
 *
 *   npx tsx bench/registries-fleet.ts --registries 50 --silent 10
 */
import { parseArgs } from 'node:util';
import { sampleManifest, startFakeRegistry } from '../src/simulator/fake-registry.js';
import { startSilentServer } from '../test/fakes/registry/silent-server.js';
import { issueCa, issueLeaf } from '../src/simulator/cert-factory.js';

export interface Fleet {
  caPem: string;
  registries: { registry: string; https: boolean; silent: boolean }[];
}

const { values: args } = parseArgs({
  options: { registries: { type: 'string', default: '50' }, silent: { type: 'string', default: '10' } },
});
const total = Number(args.registries);
const silentCount = Number(args.silent);
const now = new Date();
const ca = issueCa('bench-registry-ca', now);
const leaf = issueLeaf('bench-registry', now, 100, { issuer: ca, sans: ['127.0.0.1'] });

const stops: (() => Promise<void>)[] = [];
const fleet: Fleet = { caPem: ca.certPem, registries: [] };
// Silent registries are spread through the list (every total/silent-th), not bunched at the end.
const every = silentCount > 0 ? Math.floor(total / silentCount) : Number.POSITIVE_INFINITY;
for (let i = 0; i < total; i++) {
  const https = i % 2 === 0;
  const silent = i % every === 0 && fleet.registries.filter((r) => r.silent).length < silentCount;
  if (silent) {
    const s = await startSilentServer();
    stops.push(s.stop);
    fleet.registries.push({ registry: s.registry, https, silent });
  } else {
    const r = await startFakeRegistry({
      ...(https ? { tls: { certPem: leaf.chainPem, keyPem: leaf.keyPem } } : {}),
      auth: { scheme: https ? 'bearer' : 'basic', users: { ci: 'bench-password' } },
      manifests: { 'team/app:1.0': sampleManifest(`app-${i}`) },
    });
    stops.push(r.stop);
    fleet.registries.push({ registry: r.registry, https, silent });
  }
}
process.stdout.write(`${JSON.stringify(fleet)}\n`);
process.stdin.resume();
process.stdin.on('end', () => {
  void Promise.allSettled(stops.map((s) => s())).then(() => process.exit(0));
});
