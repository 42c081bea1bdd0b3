import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = join(import.meta.dirname, '..', '..');
// Absolute loader URL, so the CLI also runs from directories outside the project.
const tsxLoader = import.meta.resolve('tsx');

/** Runs the real CLI in a child process, as a user or a cron job would. */
async function vigil(args: string[], cwd = root): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(
      process.execPath,
      ['--import', tsxLoader, join(root, 'src/main.ts'), ...args],
      {
        cwd,
        env: { ...process.env, NO_COLOR: '1' },
        timeout: 60_000,
      },
    );
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('vigil CLI', () => {
  it('demo prints the expired and expiring certificates and what could not be observed', async () => {
    const r = await vigil(['demo', '--once']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Cluster prod: \d+ critical/);
    expect(r.stdout).toMatch(
      /API server https:\/\/127\.0\.0\.1:\d+: certificate CN=kube-apiserver expires in 5 days/,
    );
    expect(r.stdout).toMatch(/etcd server 127\.0\.\d+\.1:\d+: certificate CN=etcd-server expires in 10 days/);
    expect(r.stdout).toMatch(/EXPIRED\s+tls-secret\s+secret monitoring\/grafana-tls tls\.crt/);
    expect(r.stdout).toMatch(
      /cluster edge unreachable: API server certificate CN=kube-apiserver on 127\.0\.0\.1:\d+ expired 3 days ago/,
    );
    expect(r.stdout).toMatch(/Not observed in this mode:\n\s+- etcd peer certificates/);
    expect(r.stdout).toMatch(/`vigil check` would exit 2 here/);
  });

  it('demo --output json is valid JSON with the documented fields', async () => {
    const r = await vigil(['demo', '--output', 'json']);
    const json = JSON.parse(r.stdout) as { findings: Record<string, unknown>[] };
    const api = json.findings.find((f) => f.source === 'apiserver' && f.cluster === 'prod');
    expect(api).toMatchObject({
      check: 'certificates',
      severity: 'critical',
      subject: 'CN=kube-apiserver',
      daysLeft: 5,
    });
    expect(api?.notAfter).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    for (const f of json.findings) {
      expect(Object.keys(f)).toEqual(
        expect.arrayContaining([
          'cluster',
          'check',
          'severity',
          'source',
          'object',
          'summary',
          'fingerprint',
        ]),
      );
    }
  });

  it('reports every config problem with its key and exits 3', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-cli-'));
    const file = join(dir, 'vigil.yaml');
    writeFileSync(
      file,
      'clusters:\n  - name: BAD\n    tlsEndpoints: [nope]\ncertificates:\n  criticalDays: -1\n',
    );
    const r = await vigil(['check', '--config', file]);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/has 3 problem\(s\)/);
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace for a user error
    expect(r.stderr).toMatch(/clusters\[0\]\.name: must be a lower-case DNS label/);
    expect(r.stderr).toMatch(/clusters\[0\]\.tlsEndpoints\[0\]: must be host:port/);
    expect(r.stderr).toMatch(/certificates\.criticalDays: must be a whole number of days/);
  });

  it('explains a missing default config and rejects unknown --only and --cluster values', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'vigil-cli-'));
    const missing = await vigil(['check'], empty);
    expect(missing.code).toBe(3);
    expect(missing.stderr).toMatch(/vigil\.yaml.*no config file.*--config/);

    const file = join(empty, 'vigil.yaml');
    writeFileSync(file, 'clusters:\n  - name: prod\n    inCluster: true\n');
    const only = await vigil(['check', '--config', file, '--only', 'pods']);
    expect(only.code).toBe(3);
    expect(only.stderr).toMatch(
      /unknown check "pods" for --only; available: certificates, statefulsets, registries/,
    );
    const cluster = await vigil(['check', '--config', file, '--cluster', 'staging']);
    expect(cluster.stderr).toMatch(/unknown cluster "staging"; configured clusters: prod/);
    const flag = await vigil(['check', '--bogus']);
    expect(flag.code).toBe(3);
    expect(flag.stderr).toMatch(/Unknown option '--bogus'/);
  });
});
