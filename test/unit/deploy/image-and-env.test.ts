import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { envVarsReadByApp, readRepoFile, setAheadOfApp } from './app-env.js';

/** An instruction of the Dockerfile's final stage, continuation lines joined. */
function instruction(dockerfile: string, name: string): string {
  const finalStage = dockerfile.slice(dockerfile.lastIndexOf('\nFROM ')).replace(/\\\n\s*/g, ' ');
  const line = finalStage.split('\n').find((l) => l.startsWith(`${name} `));
  if (!line) throw new Error(`no ${name} in the final stage`);
  return line.slice(name.length + 1);
}

/** The JSON-array (exec) form of a Dockerfile instruction in the final stage. */
function execForm(dockerfile: string, name: string): string[] {
  return JSON.parse(instruction(dockerfile, name)) as string[];
}

/** Exit code of the HEALTHCHECK command, run by this Node with the given environment. */
function runHealthcheck(command: string[], env: Record<string, string>): Promise<number | null> {
  const [bin, ...args] = command;
  expect(bin).toBe('node');
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, {
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: 'ignore',
    });
    child.on('error', reject);
    child.on('exit', (code) => resolve(code));
  });
}

const dockerfile = readRepoFile('Dockerfile');
const finalStage = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));
const values = parse(readRepoFile('deploy/helm/vigil/values.yaml')) as {
  containerPort: number;
  podSecurityContext: { runAsUser: number };
};

describe('Dockerfile', () => {
  it('runs bin/vigil.js with the same node flags as the bin shebang and npm run vigil', () => {
    const entrypoint = execForm(dockerfile, 'ENTRYPOINT');
    const shebangFlags = (readRepoFile('bin/vigil.js').split('\n')[0] ?? '')
      .split(/\s+/)
      .filter((w) => w.startsWith('--'));
    const scriptFlags = (
      JSON.parse(readRepoFile('package.json')) as { scripts: Record<string, string> }
    ).scripts['vigil']
      ?.split(/\s+/)
      .filter((w) => w.startsWith('--'));
    expect(entrypoint[0]).toBe('node');
    expect(entrypoint.at(-1)).toBe('/app/bin/vigil.js');
    expect(entrypoint.slice(1, -1)).toEqual(shebangFlags);
    expect(entrypoint.slice(1, -1)).toEqual(scriptFlags?.filter((f) => f !== '--import'));
  });

  it('serves by default, with the config path the chart mounts', () => {
    expect(execForm(dockerfile, 'CMD')).toEqual(['serve', '--config', '/etc/vigil/vigil.yaml']);
  });

  it('runs as a numeric non-root user, the one the chart expects, on the chart port', () => {
    const user = /^USER (\d+)(?::(\d+))?$/m.exec(finalStage);
    expect(user, 'USER must be numeric for runAsNonRoot').not.toBeNull();
    expect(Number(user?.[1])).toBeGreaterThan(0);
    expect(Number(user?.[1])).toBe(values.podSecurityContext.runAsUser);
    expect(finalStage).toContain(`EXPOSE ${values.containerPort}`);
  });

  it('has a HEALTHCHECK that asks /healthz with node (no curl in the slim image)', async () => {
    const healthcheck = instruction(dockerfile, 'HEALTHCHECK');
    const options = healthcheck.slice(0, healthcheck.indexOf(' CMD '));
    const command = JSON.parse(healthcheck.slice(healthcheck.indexOf(' CMD ') + 5)) as string[];
    expect(command.slice(0, 2)).toEqual(['node', '-e']);
    // Docker's start period is the chart's startup budget: no "unhealthy" while vigil starts.
    const startup = (
      parse(readRepoFile('deploy/helm/vigil/values.yaml')) as {
        startupProbe: { periodSeconds: number; failureThreshold: number };
      }
    ).startupProbe;
    expect(options).toContain(`--start-period=${startup.periodSeconds * startup.failureThreshold}s`);

    let status = 200;
    const paths: string[] = [];
    const server = createServer((req, res) => {
      paths.push(req.url ?? '');
      res.writeHead(status).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = String((server.address() as AddressInfo).port);
    try {
      expect(await runHealthcheck(command, { PORT: port })).toBe(0);
      expect(await runHealthcheck(command, { PORT: port, HOST: '0.0.0.0' })).toBe(0);
      expect(await runHealthcheck(command, { PORT: port, HOST: '127.0.0.1' })).toBe(0);
      status = 503;
      expect(await runHealthcheck(command, { PORT: port })).toBe(1);
      expect(paths).toEqual(['/healthz', '/healthz', '/healthz', '/healthz']);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
    // Nothing listening any more.
    expect(await runHealthcheck(command, { PORT: port })).toBe(1);
  });

  it('ships the compiled build and production dependencies only', () => {
    expect(dockerfile).toMatch(/npm run build && npm prune --omit=dev/);
    const copied = [...finalStage.matchAll(/^COPY --from=build \/app\/(\S+)/gm)].map((m) => m[1]);
    expect(copied.sort()).toEqual(['bin', 'dist', 'node_modules', 'package.json']);
    expect(finalStage).toContain('ENV NODE_ENV=production');
  });
});

describe('.env.example', () => {
  const text = readRepoFile('.env.example');
  const lines = text.split('\n');
  // Set by the kubelet, or the user's home directory: nothing to configure.
  const notConfigured = new Set(['KUBERNETES_SERVICE_HOST', 'KUBERNETES_SERVICE_PORT', 'HOME']);

  it('lists every environment variable the app reads or the chart sets, each after a comment', () => {
    const listed = new Map<string, number>();
    lines.forEach((l, i) => {
      const m = /^(?:#\s*)?([A-Za-z_]\w*)=/.exec(l);
      if (m) listed.set(m[1] as string, i);
    });
    const missing = [...envVarsReadByApp().keys(), ...Object.keys(setAheadOfApp)].filter(
      (v) => !notConfigured.has(v) && !listed.has(v),
    );
    expect(missing).toEqual([]);
    for (const [name, i] of listed) {
      // The line above is a description, or another variable of the same group (PORT and HOST).
      expect(lines[i - 1]?.startsWith('#'), `${name} needs a comment above it`).toBe(true);
    }
  });

  it('keeps comments on their own lines: docker --env-file would read them as part of the value', () => {
    for (const l of lines) if (/^[A-Za-z_]\w*=/.test(l)) expect(l, l).not.toMatch(/\s#/);
  });
});
