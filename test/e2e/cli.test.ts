import { execFile, execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = join(import.meta.dirname, '..', '..');
// Absolute loader URL, so the CLI also runs from directories outside the project.
const tsxLoader = import.meta.resolve('tsx');

interface RunAs {
  /** Run bin/vigil.js, the installed executable, instead of src/main.ts. */
  bin?: boolean;
  uid?: number;
  timeoutMs?: number;
}

/** Runs the real CLI in a child process, as a user or a cron job would. */
async function vigil(
  args: string[],
  cwd = root,
  as: RunAs = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const entry = as.bin ? [join(root, 'bin/vigil.js')] : ['--import', tsxLoader, join(root, 'src/main.ts')];
    const { stdout, stderr } = await run(process.execPath, [...entry, ...args], {
      cwd,
      env: { ...process.env, NO_COLOR: '1' },
      timeout: as.timeoutMs ?? 60_000,
      ...(as.uid !== undefined ? { uid: as.uid, gid: as.uid } : {}),
    });
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

  describe('config files that cannot be read are named config errors (exit 3, no stack trace)', () => {
    const hostile = join(root, 'test', 'fixtures', 'hostile');
    const expectConfigError = (r: { code: number; stderr: string }, message: RegExp) => {
      expect(r.code).toBe(3);
      expect(r.stderr).toMatch(message);
      expect(r.stderr).not.toMatch(/\n\s+at |unexpected error/);
    };

    it('a YAML alias bomb, through the installed executable (it used to exit 1, read as "warning")', async () => {
      const r = await vigil(['check', '--config', join(hostile, 'alias-bomb.yaml')], root, { bin: true });
      expectConfigError(r, /alias-bomb\.yaml has 1 problem\(s\):\n.*YAML aliases \(\*name\) expand too far/);
    }, 90_000);

    it('--config pointing at a directory, and an empty --config', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'vigil-cli-'));
      expectConfigError(
        await vigil(['check', '--config', dir]),
        /is a directory; pass the config file inside it/,
      );
      expectConfigError(
        await vigil(['check', '--config', '']),
        /--config: is empty; pass the path of the config file/,
      );
    }, 90_000);

    it('a FIFO is refused at once instead of blocking forever', async () => {
      const fifo = join(mkdtempSync(join(tmpdir(), 'vigil-cli-')), 'vigil.yaml');
      execFileSync('mkfifo', [fifo]);
      const r = await vigil(['check', '--config', fifo], root, { timeoutMs: 20_000 });
      expectConfigError(r, /is a named pipe \(FIFO\), not a regular file/);
    }, 90_000);

    it('a file the user vigil runs as cannot read', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'vigil-cli-'));
      const file = join(dir, 'vigil.yaml');
      writeFileSync(file, 'clusters:\n  - name: prod\n    inCluster: true\n');
      // Root reads any file, so as root the CLI runs as nobody (65534), for whom a 0600 root file is
      // unreadable: a real EACCES from the kernel, not a simulated one.
      const root0 = process.getuid?.() === 0;
      chmodSync(dir, 0o755);
      chmodSync(file, root0 ? 0o600 : 0o000);
      const r = await vigil(['check', '--config', file], root, root0 ? { uid: 65534 } : {});
      expectConfigError(r, /is not readable by the user vigil runs as \(EACCES\); fix its permissions/);
    }, 90_000);
  });
});
