import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, maxListedProblems } from '../../../src/domain/config-error.js';
import { loadConfig } from '../../../src/config/load-config.js';

const hostile = join(import.meta.dirname, '..', '..', 'fixtures', 'hostile');

function writeConfig(text: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'vigil-hostile-config-')), 'vigil.yaml');
  writeFileSync(file, text);
  return file;
}

function configError(path: string): ConfigError {
  try {
    loadConfig(path);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return err as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

const byKey = (err: ConfigError) => Object.fromEntries(err.problems.map((p) => [p.key, p.message]));

describe('config files that are not config files', () => {
  it('a YAML alias bomb is a named config error, not "Excessive alias count" with a stack', () => {
    const err = configError(join(hostile, 'alias-bomb.yaml'));
    expect(err.problems).toHaveLength(1);
    expect(err.problems[0]?.message).toMatch(/^YAML aliases \(\*name\) expand too far/);
  });

  it('a directory says to pass the file inside it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-dir-'));
    const err = configError(dir);
    expect(err.problems[0]).toEqual({
      key: dir,
      message: `is a directory; pass the config file inside it, e.g. --config ${join(dir, 'vigil.yaml')}`,
    });
  });

  it('a character device is refused before it is read', () => {
    expect(configError('/dev/null').problems[0]?.message).toMatch(
      /^is a character device, not a regular file/,
    );
  });

  it('an empty path says so', () => {
    expect(configError('').problems[0]?.message).toMatch(/the config path is empty/);
  });
});

describe('values of the wrong type are not reported as missing', () => {
  it.each([
    ['clusters: "prod"', 'clusters', /^must be a list, not the string "prod"; list each cluster as an item/],
    [
      'clusters:\n  - name: 123\n    inCluster: true\n',
      'clusters[0].name',
      /^must be a string, not the number 123; quote it: "123"/,
    ],
    [
      'clusters: [{ name: a, inCluster: true, requestTimeoutSeconds: .nan }]',
      'clusters[0].requestTimeoutSeconds',
      /^must be a number, not \.nan \(not a number\)/,
    ],
    [
      'clusters: [{ name: a, inCluster: true }]\ncertificates: { warningDays: .nan }',
      'certificates.warningDays',
      /^must be a whole number of days from 0 to 3650, e\.g\. 28; got \.nan/,
    ],
    [
      '- prod\n- staging\n',
      '(top level)',
      /^the file must be a mapping of sections .*not a list of 2 item\(s\)/,
    ],
  ])('%j', (text, key, message) => {
    const problems = byKey(configError(writeConfig(text)));
    expect(problems[key]).toMatch(message);
    expect(Object.values(problems).join('\n')).not.toMatch(/is required/);
  });

  it('a key that is really missing is still "required"', () => {
    expect(byKey(configError(writeConfig('clusters: [{ inCluster: true }]')))['clusters[0].name']).toMatch(
      /^is required/,
    );
  });
});

describe('a huge invalid config', () => {
  it('lists the first problems and counts the rest instead of writing megabytes', () => {
    const lines = ['clusters:'];
    // 20,000 broken clusters (1.5 MB; the 5 MB original wrote 22 MB of problems): two problems each.
    for (let i = 0; lines.length < 20_001; i++)
      lines.push(`  - { name: BAD_${i}_${'x'.repeat(40)}, tlsEndpoints: [nope] }`);
    const text = lines.join('\n');
    expect(text.length).toBeGreaterThan(1_000_000);
    const err = configError(writeConfig(text));
    expect(err.problems.length).toBeGreaterThanOrEqual(40_000);
    const listed = err.userMessage.split('\n').filter((l) => l.startsWith('  - '));
    expect(listed).toHaveLength(maxListedProblems);
    expect(err.userMessage).toMatch(
      new RegExp(`… and ${err.problems.length - maxListedProblems} more problem\\(s\\) not listed`),
    );
    expect(err.userMessage.length).toBeLessThan(30_000);
  });
});

describe('schedules that fire too often', () => {
  it('refuses a check scheduled every second, naming the key and a pattern to use', () => {
    const problems = byKey(
      configError(
        writeConfig(`
clusters: [{ name: prod, inCluster: true }]
schedules:
  checks: { certificates: "* * * * * *" }
  clusters: { prod: { statefulsets: "*/15 * * * * *" } }
`),
      ),
    );
    expect(problems['schedules.checks.certificates']).toMatch(
      /^"\* \* \* \* \* \*" runs the certificates check every 1 s; the shortest interval allowed is 1 minute.*use e\.g\. "\* \* \* \* \*"/,
    );
    expect(problems['schedules.clusters.prod.statefulsets']).toMatch(/every 15 s/);
  });

  it('accepts every minute, also written with a seconds field', () => {
    const cfg = loadConfig(
      writeConfig(`
clusters: [{ name: prod, inCluster: true }]
schedules:
  checks: { statefulsets: "* * * * *", registries: "30 * * * * *" }
`),
    );
    expect(cfg.schedules.checks.registries).toBe('30 * * * * *');
  });
});
