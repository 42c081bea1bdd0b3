import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/domain/config-error.js';
import { parseConfig } from '../../../src/config/load-config.js';

const cluster = { clusters: [{ name: 'prod', inCluster: true }] };

function problems(registries: unknown): { key: string; message: string }[] {
  try {
    parseConfig({ ...cluster, registries }, 'vigil.yaml', '/');
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).problems;
  }
  throw new Error('expected a ConfigError');
}

describe('registries config', () => {
  it('defaults every key', () => {
    expect(parseConfig(cluster, 'vigil.yaml', '/').registries).toEqual({
      extra: [],
      ignore: [],
      insecure: [],
      caFiles: {},
      probeTimeoutSeconds: 5,
      probeConcurrency: 16,
      blastRadiusLimit: 8,
    });
  });

  it('accepts hosts, image references, globs and a readable CA file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-reg-config-'));
    const ca = join(dir, 'ca.pem');
    writeFileSync(ca, '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');
    const cfg = parseConfig(
      {
        ...cluster,
        registries: {
          extra: ['myreg:5000', 'ghcr.io/org/app:1.0', '[::1]:5000'],
          ignore: ['docker.io', '*.internal.example.com'],
          insecure: ['10.0.0.5:5000'],
          caFiles: { 'myreg:5000': ca },
        },
      },
      'vigil.yaml',
      '/',
    );
    expect(cfg.registries.caFiles).toEqual({ 'myreg:5000': ca });
  });

  it('reports every problem with its key and the fix', () => {
    const found = problems({
      extra: ['https://myreg:5000', 'bad host!'],
      ignore: ['http://x'],
      insecure: ['myreg:5000/path'],
      caFiles: { 'myreg:5000': '/nonexistent/ca.pem' },
      probeTimeoutSeconds: 0,
      probeConcurrency: 0,
    });
    const keys = found.map((p) => p.key);
    expect(keys).toEqual(
      expect.arrayContaining([
        'registries.extra[0]',
        'registries.extra[1]',
        'registries.ignore[0]',
        'registries.insecure[0]',
        'registries.caFiles.myreg:5000',
        'registries.probeTimeoutSeconds',
        'registries.probeConcurrency',
      ]),
    );
    const text = found.map((p) => `${p.key}: ${p.message}`).join('\n');
    expect(text).toMatch(/extra\[0\]: write the registry without a scheme/);
    expect(text).toMatch(/insecure\[0\]: must be a registry host .*no path/);
    expect(text).toMatch(/caFiles\.myreg:5000: cannot read "\/nonexistent\/ca\.pem" \(ENOENT\)/);
  });
});
