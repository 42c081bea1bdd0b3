import { runCheckCommand, writeChunks, type CheckCommandOptions } from '../cli/check-command.js';
import { startDemoClusters } from './start-demo-clusters.js';

/**
 * `vigil demo`: the real `vigil check` against two simulated clusters on loopback. Everything is
 * torn down afterwards; nothing leaves the machine.
 */
export async function runDemo(o: CheckCommandOptions): Promise<number> {
  // X.509 keeps whole seconds; minting at a whole second keeps "5 days left" from reading 4.
  const now = new Date(Math.floor(Date.now() / 1000) * 1000);
  const demo = await startDemoClusters(now);
  try {
    const result = await runCheckCommand(demo.config, o, () => now);
    if (o.output === 'table') {
      process.stdout.write(
        'vigil demo: two simulated clusters on loopback, certificates minted relative to now.\n' +
          '  prod: API server certificate expiring, an etcd certificate issued for 1 year 355 days ago, TLS Secrets,\n' +
          '        a webhook caBundle, a cert-manager Certificate failing to renew;\n' +
          '        a MongoDB StatefulSet (db/mongo) stuck behind its unready pod 0;\n' +
          '        registries: one that does not resolve, one that rejects its pull secret (a pod in\n' +
          '        ImagePullBackOff), a healthy one.\n' +
          '  edge: its API server certificate expired 3 days ago.\n\n',
      );
    }
    await writeChunks(process.stdout, result.output());
    if (o.output === 'table') {
      process.stdout.write(
        `\n\`vigil check\` would exit ${result.exitCode} here (0 ok, 1 warning, 2 critical, 3 unknown). ` +
          'Point it at your own clusters with vigil.yaml (see README.md).\n',
      );
    }
    // The demo itself succeeded; its findings are the point, not a failure of the command.
    return 0;
  } finally {
    await demo.stop();
  }
}
