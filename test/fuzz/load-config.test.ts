import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadConfig, parseConfig } from '../../src/config/load-config.js';
import { ConfigError } from '../../src/domain/config-error.js';
import { editedDocument } from './document-edits.js';
import { fuzzParams, mutatedBytes, outcomeOf, tally } from './fuzz-run.js';

/**
 * vigil.yaml, mutated as text (loadConfig) and as a document (parseConfig): every input loads or
 * is a ConfigError whose every problem names a key and says what is wrong; nothing else is thrown.
 */
const example = readFileSync(join(import.meta.dirname, '..', '..', 'vigil.example.yaml'));
const exampleDoc: unknown = parse(example.toString());
const dir = mkdtempSync(join(tmpdir(), 'vigil-fuzz-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const t = tally('config');

function checked(fn: () => unknown): string {
  try {
    fn();
    return 'ok';
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    expect(err.problems.length).toBeGreaterThan(0);
    for (const p of err.problems) {
      expect(p.key.trim(), `a problem without a key: ${p.message}`).not.toBe('');
      expect(p.message.trim(), `a problem of ${p.key} without a message`).not.toBe('');
    }
    throw err;
  }
}

describe('fuzz: config loader', () => {
  it('mutated vigil.example.yaml text loads or names its problems', () => {
    let n = 0;
    fc.assert(
      fc.property(mutatedBytes(example), (bytes) => {
        const file = join(dir, `vigil-${n++ % 8}.yaml`);
        writeFileSync(file, bytes);
        outcomeOf(t, () => checked(() => loadConfig(file, {})));
      }),
      fuzzParams(50),
    );
  });

  it('a document with values replaced or removed anywhere loads or names its problems', () => {
    fc.assert(
      fc.property(editedDocument(exampleDoc), (doc) => {
        outcomeOf(t, () =>
          checked(() => parseConfig(doc, 'vigil.yaml', dir, { enforceScheduleMinimum: true })),
        );
      }),
      fuzzParams(120),
    );
  });

  it('arbitrary YAML-ish text loads or names its problems', () => {
    const pieces = fc.constantFrom(
      'clusters:',
      '- name: prod',
      '  kubeconfig: x',
      '&a [*a]',
      '*a',
      '!!binary',
      '!!js/function',
      '? ',
      ': ',
      '{',
      '}',
      '[',
      ']',
      '"',
      "'",
      '\t',
      '\n',
      '  ',
      '---',
      '...',
      '%YAML 1.1',
      '<<: *a',
      '#',
      '\u0000',
      '\uFEFF',
    );
    let n = 0;
    fc.assert(
      fc.property(fc.array(pieces, { maxLength: 30 }), (parts) => {
        const file = join(dir, `text-${n++ % 8}.yaml`);
        writeFileSync(file, parts.join(''));
        outcomeOf(t, () => checked(() => loadConfig(file, {})));
      }),
      fuzzParams(80),
    );
  });
});
