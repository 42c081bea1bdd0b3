import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/config/load-config.js';
import { issueCa } from '../../../src/simulator/cert-factory.js';

/** A config example in the README or vigil.example.yaml that does not load is a bug (README rule). */
describe('documented configuration', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-docs-'));
  // The README's example names a registry CA file next to the config; caFiles are read at load.
  writeFileSync(join(dir, 'corp-ca.pem'), issueCa('corp-ca', new Date()).certPem);

  it('the Configuration example in README.md loads with every section', () => {
    const readme = readFileSync('README.md', 'utf8');
    const start = readme.indexOf('```yaml\nclusters:');
    expect(start).toBeGreaterThan(0);
    const text = readme.slice(start + '```yaml\n'.length, readme.indexOf('```', start + 8));
    const cfg = parseConfig(parse(text), 'README.md', dir);
    expect(cfg.registries.caFiles['registry.corp.example:5000']).toBe(join(dir, 'corp-ca.pem'));
    expect(cfg.alerts.routes).toHaveLength(2);
    expect(cfg.schedules.clusters.prod?.registries).toBe('*/10 * * * *');
  });

  it('vigil.example.yaml loads', () => {
    const cfg = parseConfig(parse(readFileSync('vigil.example.yaml', 'utf8')), 'vigil.example.yaml', dir);
    expect(cfg.clusters[0]?.name).toBe('prod');
    expect(cfg.statefulsets.gracePeriodMinutes).toBe(15);
  });
});
