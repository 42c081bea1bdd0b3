import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { secretAccessOf } from '../../../src/checks/secret-access.js';
import { loadConfig, parseConfig } from '../../../src/config/load-config.js';
import { ConfigError, type ConfigProblem } from '../../../src/domain/config-error.js';

/* clusters[].secrets in vigil.yaml, and VIGIL_RBAC_MODE / VIGIL_RBAC_NAMESPACES from the chart. */

const local = { name: 'local', inCluster: true };
const remote = { name: 'staging', kubeconfig: '/etc/vigil/staging.kubeconfig' };

function parse(raw: object, env: NodeJS.ProcessEnv = {}) {
  return parseConfig(raw, 'vigil.yaml', '/etc/vigil', { env });
}

function problemsOf(raw: object, env: NodeJS.ProcessEnv = {}): ConfigProblem[] {
  try {
    parse(raw, env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).problems;
  }
  throw new Error('expected a ConfigError');
}

const accessOf = (raw: object, env: NodeJS.ProcessEnv = {}) =>
  parse(raw, env).clusters.map((c) => secretAccessOf(c));

describe('clusters[].secrets in vigil.yaml', () => {
  it('reads every Secret when left out', () => {
    expect(accessOf({ clusters: [local, remote] })).toEqual([
      { mode: 'all', namespaces: [], setBy: 'default' },
      { mode: 'all', namespaces: [], setBy: 'default' },
    ]);
  });

  it('takes a namespace list, or none, per cluster', () => {
    const access = accessOf({
      clusters: [
        { ...local, secrets: { mode: 'namespaces', namespaces: ['apps', 'payments', 'apps'] } },
        { ...remote, secrets: { mode: 'none' } },
      ],
    });
    expect(access).toEqual([
      { mode: 'namespaces', namespaces: ['apps', 'payments'], setBy: 'config' },
      { mode: 'none', namespaces: [], setBy: 'config' },
    ]);
  });

  it('names the key and the fix of a bad mode, and maps the chart name it was probably meant as', () => {
    const [wrong, chartName] = [
      problemsOf({ clusters: [{ ...local, secrets: { mode: 'some' } }] }),
      problemsOf({ clusters: [{ ...local, secrets: { mode: 'namespaced', namespaces: ['apps'] } }] }),
    ];
    expect(wrong).toEqual([
      {
        key: 'clusters[0].secrets.mode',
        message:
          'must be all (every Secret), namespaces (only those of secrets.namespaces) or none (no Secret)',
      },
    ]);
    expect(chartName[0]?.key).toBe('clusters[0].secrets.mode');
    expect(chartName[0]?.message).toMatch(
      /"namespaced" is the chart's rbac.mode name, here it is namespaces$/,
    );
  });

  it('wants namespaces exactly with mode namespaces, each a namespace name', () => {
    const problems = [
      ...problemsOf({ clusters: [{ ...local, secrets: { mode: 'namespaces' } }] }),
      ...problemsOf({ clusters: [{ ...local, secrets: { mode: 'none', namespaces: ['apps'] } }] }),
      ...problemsOf({ clusters: [{ ...local, secrets: { mode: 'namespaces', namespaces: ['Apps'] } }] }),
    ];
    expect(problems.map((p) => p.key)).toEqual([
      'clusters[0].secrets.namespaces',
      'clusters[0].secrets.namespaces',
      'clusters[0].secrets.namespaces[0]',
    ]);
    expect(problems[0]?.message).toMatch(/list at least one namespace/);
    expect(problems[1]?.message).toMatch(/only read with mode namespaces; remove it/);
    expect(problems[2]?.message).toMatch(/namespace name such as "apps"/);
  });
});

describe('VIGIL_RBAC_MODE and VIGIL_RBAC_NAMESPACES', () => {
  it("fill the default of the clusters read with the pod's ServiceAccount, and only those", () => {
    const env = { VIGIL_RBAC_MODE: 'namespaced', VIGIL_RBAC_NAMESPACES: ' apps, payments ,' };
    expect(accessOf({ clusters: [local, remote] }, env)).toEqual([
      { mode: 'namespaces', namespaces: ['apps', 'payments'], setBy: 'env' },
      { mode: 'all', namespaces: [], setBy: 'default' },
    ]);
    expect(accessOf({ clusters: [local] }, { VIGIL_RBAC_MODE: 'noSecrets' })).toEqual([
      { mode: 'none', namespaces: [], setBy: 'env' },
    ]);
    expect(accessOf({ clusters: [local] }, { VIGIL_RBAC_MODE: 'full' })).toEqual([
      { mode: 'all', namespaces: [], setBy: 'env' },
    ]);
  });

  it('a cluster entry may narrow the mode, never widen it', () => {
    const env = { VIGIL_RBAC_MODE: 'namespaced', VIGIL_RBAC_NAMESPACES: 'apps,payments' };
    const narrower = { ...local, secrets: { mode: 'namespaces', namespaces: ['apps'] } };
    expect(accessOf({ clusters: [narrower] }, env)).toEqual([
      { mode: 'namespaces', namespaces: ['apps'], setBy: 'config' },
    ]);
    expect(
      accessOf({ clusters: [{ ...local, secrets: { mode: 'none' } }] }, { VIGIL_RBAC_MODE: 'full' }),
    ).toEqual([{ mode: 'none', namespaces: [], setBy: 'config' }]);
    const wider = { ...local, secrets: { mode: 'namespaces', namespaces: ['apps', 'billing'] } };
    expect(problemsOf({ clusters: [wider] }, env)).toEqual([
      {
        key: 'clusters[0].secrets',
        message:
          "reads more than VIGIL_RBAC_MODE=namespaced allows (the chart's rbac.mode: only the Secrets of apps, payments), so vigil would be refused; narrow it to that, or leave it out to follow the chart",
      },
    ]);
    expect(
      problemsOf({ clusters: [{ ...local, secrets: { mode: 'all' } }] }, { VIGIL_RBAC_MODE: 'noSecrets' })[0]
        ?.message,
    ).toMatch(/VIGIL_RBAC_MODE=noSecrets allows \(the chart's rbac.mode: no Secret\)/);
    // A remote cluster's credentials are not the chart's ServiceAccount: its entry stands.
    expect(
      accessOf({ clusters: [{ ...remote, secrets: { mode: 'all' } }] }, { VIGIL_RBAC_MODE: 'noSecrets' }),
    ).toEqual([{ mode: 'all', namespaces: [], setBy: 'config' }]);
  });

  it('name the variable and the fix of each problem, reported with the file’s own', () => {
    const problems = problemsOf(
      { clusters: [{ ...local, name: 'Local' }] },
      { VIGIL_RBAC_MODE: 'namespace', VIGIL_RBAC_NAMESPACES: 'apps' },
    );
    expect(problems).toEqual([
      expect.objectContaining({ key: 'clusters[0].name' }),
      {
        key: 'VIGIL_RBAC_MODE',
        message: 'must be full, namespaced or noSecrets (the chart\'s rbac.mode), not "namespace"',
      },
    ]);
    expect(problemsOf({ clusters: [local] }, { VIGIL_RBAC_MODE: 'namespaced' })).toEqual([
      {
        key: 'VIGIL_RBAC_NAMESPACES',
        message:
          "lists no namespace; with VIGIL_RBAC_MODE=namespaced name the namespaces whose Secrets vigil may read, comma-separated, e.g. apps,payments (the chart's rbac.namespaces)",
      },
    ]);
    expect(
      problemsOf(
        { clusters: [local] },
        { VIGIL_RBAC_MODE: 'namespaced', VIGIL_RBAC_NAMESPACES: 'apps,Pay_ments' },
      ),
    ).toEqual([
      {
        key: 'VIGIL_RBAC_NAMESPACES',
        message:
          '"Pay_ments" is not a namespace name; list lower-case namespace names separated by commas, e.g. apps,payments',
      },
    ]);
    expect(
      problemsOf({ clusters: [local] }, { VIGIL_RBAC_MODE: 'full', VIGIL_RBAC_NAMESPACES: 'apps' }),
    ).toEqual([
      {
        key: 'VIGIL_RBAC_NAMESPACES',
        message:
          'is only read with VIGIL_RBAC_MODE=namespaced (it is full); unset it, or set VIGIL_RBAC_MODE=namespaced',
      },
    ]);
    expect(problemsOf({ clusters: [local] }, { VIGIL_RBAC_NAMESPACES: 'apps' })[0]?.key).toBe(
      'VIGIL_RBAC_NAMESPACES',
    );
  });

  it('are read by loadConfig from the environment it is given', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-rbac-env-'));
    const file = join(dir, 'vigil.yaml');
    writeFileSync(file, 'clusters:\n  - name: local\n    inCluster: true\n');
    expect(secretAccessOf(loadConfig(file, { VIGIL_RBAC_MODE: 'noSecrets' }).clusters[0] ?? {})).toEqual({
      mode: 'none',
      namespaces: [],
      setBy: 'env',
    });
    expect(secretAccessOf(loadConfig(file, {}).clusters[0] ?? {}).mode).toBe('all');
  });
});
