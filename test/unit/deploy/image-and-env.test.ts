import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { envVarsReadByApp, readRepoFile } from './app-env.js';

/** The JSON-array (exec) form of a Dockerfile instruction in the final stage. */
function execForm(dockerfile: string, instruction: string): string[] {
  const finalStage = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));
  const line = finalStage.split('\n').find((l) => l.startsWith(`${instruction} `));
  if (!line) throw new Error(`no ${instruction} in the final stage`);
  return JSON.parse(line.slice(instruction.length + 1)) as string[];
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
  // Set by the kubelet, or the user's home directory and search path: nothing to configure.
  const notConfigured = new Set(['KUBERNETES_SERVICE_HOST', 'KUBERNETES_SERVICE_PORT', 'HOME', 'PATH']);

  it('lists every environment variable the app reads, each after a comment', () => {
    const listed = new Map<string, number>();
    lines.forEach((l, i) => {
      const m = /^(?:#\s*)?([A-Za-z_]\w*)=/.exec(l);
      if (m) listed.set(m[1] as string, i);
    });
    const missing = [...envVarsReadByApp().keys()].filter((v) => !notConfigured.has(v) && !listed.has(v));
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
