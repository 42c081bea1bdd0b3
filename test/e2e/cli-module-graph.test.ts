import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueCa, issueLeaf } from '../../src/simulator/cert-factory.js';
import { FakeKubeApiServer } from '../../src/simulator/kube-api-server/index.js';

/**
 * Which npm packages each CLI command loads (issue 12): structural, not timed. The real CLI runs in
 * a child process with test/support/record-loaded-packages.mjs, which records every module that
 * resolves into node_modules, so a static import that drags an SDK in, directly or through the check
 * registry or the config, fails here. The speed itself is measured by bench/cli-startup.ts.
 */
const run = promisify(execFile);
const root = join(import.meta.dirname, '..', '..');
const recorder = join(root, 'test', 'support', 'record-loaded-packages.mjs');
const dependencies = Object.keys(
  (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { dependencies: Record<string, string> })
    .dependencies,
);
const chatAndQueue = /^(@slack\/|botbuilder|bullmq$|ioredis$)/;
/** What `vigil check` needs of its npm dependencies: the config (YAML, schema, the cron patterns it validates) and logs. */
const checkPackages = ['cron-parser', 'node-cron', 'pino', 'yaml', 'zod'];

interface Loaded {
  code: number;
  stdout: string;
  packages: string[];
}

let dir: string;
let fake: FakeKubeApiServer;
let config: string;

/** Runs `vigil ...args` from the sources and returns the npm packages it loaded. */
async function loadedBy(args: string[]): Promise<Loaded> {
  const out = join(dir, `loaded-${args.join('-').replace(/\W+/g, '_')}.json`);
  let code = 0;
  let stdout: string;
  try {
    ({ stdout } = await run(
      process.execPath,
      ['--import', recorder, '--import', import.meta.resolve('tsx'), join(root, 'src/main.ts'), ...args],
      { cwd: dir, env: { ...process.env, NO_COLOR: '1', VIGIL_RECORD_PACKAGES: out }, timeout: 60_000 },
    ));
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    if (typeof e.code !== 'number') throw err;
    ({ code, stdout } = e);
  }
  const recorded = JSON.parse(readFileSync(out, 'utf8')) as { packages: Record<string, number> };
  return { code, stdout, packages: Object.keys(recorded.packages).sort() };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'vigil-module-graph-'));
  const now = new Date();
  const ca = issueCa('kube-ca', now);
  const serving = issueLeaf('kube-apiserver', now, 300, { issuer: ca, sans: ['127.0.0.1'] });
  fake = await FakeKubeApiServer.start({
    certPem: serving.chainPem,
    keyPem: serving.keyPem,
    tokens: { 'sa-token': 'system:serviceaccount:vigil:vigil' },
  });
  const leaf = issueLeaf('web.example.com', now, 9);
  fake.upsertMany([
    {
      apiVersion: 'v1',
      kind: 'Secret',
      type: 'kubernetes.io/tls',
      metadata: { namespace: 'apps', name: 'web-tls' },
      data: { 'tls.crt': Buffer.from(leaf.certPem).toString('base64') },
    },
  ]);
  const kubeconfig = join(dir, 'kubeconfig');
  writeFileSync(kubeconfig, fake.kubeconfig({ caPem: ca.certPem, token: 'sa-token' }));
  config = join(dir, 'vigil.yaml');
  writeFileSync(config, `clusters:\n  - name: sim\n    kubeconfig: ${kubeconfig}\n`);
});

afterAll(async () => {
  await fake?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('what each vigil command loads', () => {
  it('vigil check reads the cluster with its own HTTPS client and loads only config, certificate and log packages', async () => {
    const r = await loadedBy(['check', '--config', config, '--output', 'json']);
    // The run really happened: the expiring Secret was read, so the recorder saw a full check.
    expect(r.code).toBe(2);
    expect(r.stdout).toContain('apps/web-tls');
    expect(r.packages.filter((p) => chatAndQueue.test(p))).toEqual([]);
    // No Kubernetes SDK (src/kube/kube-client.ts is node:https), no metrics, no chart renderer.
    expect(r.packages.filter((p) => dependencies.includes(p))).toEqual(checkPackages);
  });

  it.each([
    { command: '--help' },
    { command: '--version' },
    { command: 'check --help' },
    { command: 'serve --help' },
  ])('vigil $command loads none of its npm dependencies', async ({ command }) => {
    const r = await loadedBy(command.split(' '));
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(command === '--version' ? /^vigil \d+\.\d+\.\d+\n$/ : /Usage:/);
    expect(r.packages.filter((p) => dependencies.includes(p))).toEqual([]);
  });
});
