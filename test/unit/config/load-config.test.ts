import { mkdtempSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/domain/config-error.js';
import { loadConfig } from '../../../src/config/load-config.js';

function writeConfig(text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-config-'));
  const file = join(dir, 'vigil.yaml');
  writeFileSync(file, text);
  return file;
}

function problemsOf(fn: () => unknown): { key: string; message: string }[] {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).problems;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('applies defaults, resolves kubeconfig paths against the config file and freezes the result', () => {
    const file = writeConfig(`
clusters:
  - name: prod
    kubeconfig: ./prod.kubeconfig
    context: prod-admin
    tlsEndpoints: ["10.0.0.5:2379", "[fd00::1]:2380", "https://cp.example.com:10257"]
certificates:
  warningDays: 21
  sources:
    kubelet: { warningDays: 7, criticalDays: 1 }
`);
    const cfg = loadConfig(file);
    expect(cfg.clusters[0]?.kubeconfig).toBe(join(file, '..', 'prod.kubeconfig'));
    expect(cfg.clusters[0]?.tlsEndpoints).toHaveLength(3);
    expect(cfg.clusters[0]?.requestTimeoutSeconds).toBe(10);
    expect(cfg.certificates).toMatchObject({
      warningDays: 21,
      criticalDays: 14,
      caWarningDays: 90,
      caCriticalDays: 30,
      secretPageSize: 500,
      sources: { kubelet: { warningDays: 7, criticalDays: 1 } },
    });
    expect(Object.isFrozen(cfg.clusters[0])).toBe(true);
  });

  it('defaults the certificates section entirely when absent', () => {
    const cfg = loadConfig(writeConfig('clusters:\n  - name: a\n    inCluster: true\n'));
    expect(cfg.certificates.warningDays).toBe(28);
    expect(cfg.certificates.criticalDays).toBe(14);
  });

  it('reports every problem at once, each with its key', () => {
    const problems = problemsOf(() =>
      loadConfig(
        writeConfig(`
clusters:
  - name: Prod_1
    tlsEndpoints: ["etcd-without-port", "etcd:99999"]
  - kubeconfig: ./x
    inCluster: true
  - name: dup
  - name: dup
certificates:
  warningDays: 10
  criticalDays: 20
  warningDay: 3
  sources:
    kublet: { warningDays: 7 }
`),
      ),
    );
    const keys = problems.map((p) => p.key);
    expect(keys).toEqual(
      expect.arrayContaining([
        'clusters[0].name',
        'clusters[0].tlsEndpoints[0]',
        'clusters[1].name',
        'clusters[3].name',
        'certificates',
        'certificates.sources',
      ]),
    );
    const byKey = Object.fromEntries(problems.map((p) => [p.key, p.message]));
    expect(byKey['clusters[0].name']).toMatch(/lower-case DNS label/);
    expect(byKey['clusters[0].tlsEndpoints[0]']).toMatch(/host:port/);
    expect(byKey['clusters[0].tlsEndpoints[1]']).toMatch(/between 1 and 65535/);
    expect(byKey['clusters[1].name']).toMatch(/required/);
    expect(byKey['clusters[3].name']).toMatch(/duplicate cluster name "dup"/);
    expect(problems.some((p) => /unknown key\(s\) "warningDay"/.test(p.message))).toBe(true);
    expect(problems.some((p) => p.key === 'certificates.sources' && /kublet/.test(p.message))).toBe(true);
    expect(problems.length).toBeGreaterThanOrEqual(6);
  });

  it('rejects criticalDays above warningDays and inCluster with a kubeconfig', () => {
    const problems = problemsOf(() =>
      loadConfig(
        writeConfig(`
clusters:
  - name: a
    inCluster: true
    kubeconfig: ./k
certificates:
  warningDays: 10
  criticalDays: 20
`),
      ),
    );
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          key: 'clusters[0].inCluster',
          message: expect.stringMatching(/remove kubeconfig/),
        }),
        expect.objectContaining({
          key: 'certificates.criticalDays',
          message: expect.stringMatching(/must not exceed/),
        }),
      ]),
    );
  });

  it('names the line of a YAML syntax error', () => {
    const problems = problemsOf(() => loadConfig(writeConfig('clusters:\n  - name: a\n   bad: [\n')));
    expect(problems[0]?.key).toMatch(/^line \d+, column \d+$/);
    expect(problems[0]?.message).toMatch(/^YAML syntax/);
  });

  it('says how to fix a missing file or an empty one', () => {
    expect(problemsOf(() => loadConfig('/nonexistent/vigil.yaml'))[0]?.message).toMatch(/--config/);
    expect(problemsOf(() => loadConfig(writeConfig('')))[0]).toMatchObject({ key: 'clusters' });
  });

  it('reads registries.caFiles relative to the config file, wherever vigil is started', () => {
    const file = writeConfig(`
clusters: [{ name: prod, inCluster: true }]
registries:
  caFiles: { "registry.corp.example:5000": ./registry-ca.pem }
`);
    writeFileSync(
      join(dirname(file), 'registry-ca.pem'),
      '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n',
    );
    const cfg = loadConfig(file);
    expect(cfg.registries.caFiles['registry.corp.example:5000']).toBe(join(dirname(file), 'registry-ca.pem'));
  });

  it('reports sections that name clusters which are not configured, with the known names', () => {
    const file = writeConfig(`
clusters: [{ name: prod, inCluster: true }]
schedules:
  clusters: { prdo: { certificates: "0 * * * *" } }
permissions:
  clusters: { production: { channels: { slack: [C0PROD01] } } }
`);
    const problems = problemsOf(() => loadConfig(file));
    expect(problems).toEqual(
      expect.arrayContaining([
        { key: 'schedules.clusters.prdo', message: expect.stringMatching(/names no cluster.*"prod"/) },
        {
          key: 'permissions.clusters.production',
          message: expect.stringMatching(/names no cluster.*"prod"/),
        },
      ]),
    );
  });
});
