import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { manifestMediaType } from '../../../src/simulator/fake-registry.js';
import { resolveSystemBinary } from '../../../src/system/resolve-system-binary.js';

const run = promisify(execFile);

export interface DistributionRegistry {
  port: number;
  url: string;
  registry: string;
  /** Pushes a one-layer image over the registry HTTP API (no docker client here); returns its digest. */
  push(repository: string, tag: string): Promise<string>;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * Runs the real registry binary (Debian's docker-registry: CNCF distribution 2.8, `docker-registry
 * serve config.yml`; htpasswd -B from apache2-utils writes the bcrypt file its htpasswd auth reads),
 * both found by src/system/resolve-system-binary.ts, on 127.0.0.1 with filesystem storage in a temp dir, optionally with
 * htpasswd (bcrypt) auth, and waits until `/v2/` answers. stop() kills only the process it started.
 */
export async function startDistributionRegistry(
  opts: { htpasswd?: { user: string; password: string } } = {},
): Promise<DistributionRegistry> {
  const distributionBinary = (await resolveSystemBinary('docker-registry')).path;
  const dir = mkdtempSync(join(tmpdir(), 'vigil-distribution-'));
  const port = await freePort();
  let auth = '';
  if (opts.htpasswd) {
    const htpasswdBinary = (await resolveSystemBinary('htpasswd')).path;
    const { stdout } = await run(htpasswdBinary, ['-Bbn', opts.htpasswd.user, opts.htpasswd.password]);
    writeFileSync(join(dir, 'htpasswd'), stdout);
    auth = `auth:\n  htpasswd:\n    realm: vigil-test\n    path: ${join(dir, 'htpasswd')}\n`;
  }
  writeFileSync(
    join(dir, 'config.yml'),
    `version: 0.1\nlog:\n  level: error\n  accesslog:\n    disabled: true\nstorage:\n  filesystem:\n    rootdirectory: ${join(dir, 'data')}\n  delete:\n    enabled: true\nhttp:\n  addr: 127.0.0.1:${port}\n${auth}`,
  );
  const child: ChildProcess = spawn(distributionBinary, ['serve', join(dir, 'config.yml')], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-4000);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 3000))]);
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  };
  const authHeader = opts.htpasswd
    ? {
        Authorization: `Basic ${Buffer.from(`${opts.htpasswd.user}:${opts.htpasswd.password}`).toString('base64')}`,
      }
    : {};
  // Bounded wait: 100 tries, 50 ms apart.
  for (let i = 0; ; i++) {
    try {
      const res = await fetch(`${url}/v2/`, { signal: AbortSignal.timeout(500) });
      await res.arrayBuffer();
      break;
    } catch {
      if (i >= 100 || child.exitCode !== null) {
        await stop();
        throw new Error(`docker-registry did not start on ${url}: ${stderr.trim() || 'no output'}`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  async function uploadBlob(repository: string, content: Buffer): Promise<string> {
    const digest = `sha256:${createHash('sha256').update(content).digest('hex')}`;
    const start = await fetch(`${url}/v2/${repository}/blobs/uploads/`, {
      method: 'POST',
      headers: authHeader,
    });
    await start.arrayBuffer();
    const location = start.headers.get('location');
    if (start.status !== 202 || !location) throw new Error(`blob upload start: HTTP ${start.status}`);
    const target = new URL(location, url);
    target.searchParams.set('digest', digest);
    const put = await fetch(target, {
      method: 'PUT',
      headers: { ...authHeader, 'Content-Type': 'application/octet-stream' },
      body: content,
    });
    await put.arrayBuffer();
    if (put.status !== 201) throw new Error(`blob upload: HTTP ${put.status}`);
    return digest;
  }

  return {
    port,
    url,
    registry: `127.0.0.1:${port}`,
    async push(repository, tag) {
      const config = Buffer.from(
        JSON.stringify({
          architecture: 'amd64',
          os: 'linux',
          config: {},
          rootfs: { type: 'layers', diff_ids: [] },
        }),
      );
      const layer = Buffer.from(`layer of ${repository}:${tag}`);
      const configDigest = await uploadBlob(repository, config);
      const layerDigest = await uploadBlob(repository, layer);
      const manifest = JSON.stringify({
        schemaVersion: 2,
        mediaType: manifestMediaType,
        config: {
          mediaType: 'application/vnd.docker.container.image.v1+json',
          size: config.length,
          digest: configDigest,
        },
        layers: [
          {
            mediaType: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
            size: layer.length,
            digest: layerDigest,
          },
        ],
      });
      const res = await fetch(`${url}/v2/${repository}/manifests/${tag}`, {
        method: 'PUT',
        headers: { ...authHeader, 'Content-Type': manifestMediaType },
        body: manifest,
      });
      const body = await res.text();
      if (res.status !== 201) throw new Error(`manifest PUT: HTTP ${res.status} ${body}`);
      return res.headers.get('docker-content-digest') ?? '';
    },
    stop,
  };
}
