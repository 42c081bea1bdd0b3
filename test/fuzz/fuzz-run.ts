import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, expect } from 'vitest';
import { VigilError } from '../../src/domain/vigil-error.js';

/**
 * Shared settings of the fuzz properties under test/fuzz. `npm test` runs them bounded, with a fixed
 * seed so a failure reproduces; scripts/fuzz.mjs (`npm run fuzz`) runs the same files with more
 * runs (VIGIL_FUZZ_SCALE times each property's own count, or VIGIL_FUZZ_RUNS for every property)
 * and a random VIGIL_FUZZ_SEED, and reads the tallies written to VIGIL_FUZZ_REPORT (docs/fuzzing.md).
 * A failure prints its seed and path; rerun with that VIGIL_FUZZ_SEED to reproduce it.
 */
export const fuzzSeed = envInt('VIGIL_FUZZ_SEED') ?? 20_261_202;
const runsOverride = envInt('VIGIL_FUZZ_RUNS');
const scale = envInt('VIGIL_FUZZ_SCALE') ?? 1;

/** One case slower than this is a hang (the loaded CI machine is slow, but not this slow). */
export const caseBoundMs = envInt('VIGIL_FUZZ_CASE_MS') ?? 2_000;

function envInt(name: string): number | undefined {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return undefined;
  const n = Number(raw);
  if (!Number.isSafeInteger(n)) throw new Error(`${name} must be an integer, got ${JSON.stringify(raw)}`);
  return n;
}

/** fc.assert parameters: `defaultRuns` in `npm test`, scaled or overridden in a campaign. */
export function fuzzParams<T>(defaultRuns: number): fc.Parameters<T> {
  return { seed: fuzzSeed, numRuns: runsOverride ?? defaultRuns * scale, endOnFailure: true };
}

/** What one target saw: inputs tried, how each ended, the slowest case. */
export class Tally {
  tried = 0;
  slowestMs = 0;
  readonly outcomes = new Map<string, number>();
  private readonly started = performance.now();

  constructor(readonly target: string) {}

  record(outcome: string, ms = 0): void {
    this.tried += 1;
    this.outcomes.set(outcome, (this.outcomes.get(outcome) ?? 0) + 1);
    if (ms > this.slowestMs) this.slowestMs = ms;
  }

  summary() {
    return {
      target: this.target,
      seed: fuzzSeed,
      tried: this.tried,
      outcomes: Object.fromEntries([...this.outcomes].sort((a, b) => b[1] - a[1])),
      slowestCaseMs: Math.round(this.slowestMs),
      elapsedMs: Math.round(performance.now() - this.started),
    };
  }
}

/** A tally for `target`, written to $VIGIL_FUZZ_REPORT/<target>.json when the file ends. */
export function tally(target: string): Tally {
  const t = new Tally(target);
  afterAll(() => {
    const dir = process.env.VIGIL_FUZZ_REPORT;
    if (!dir) return;
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, `${target}.json`), JSON.stringify(t.summary(), null, 2));
  });
  return t;
}

/**
 * Runs `fn` and names how it ended: "ok", or the VigilError's code. Anything else thrown (a
 * TypeError, a RangeError out of a library) fails the property: that is a crash. So does a case
 * slower than caseBoundMs, or a VigilError whose message is empty.
 */
export function outcomeOf(t: Tally, fn: () => string | void): string {
  const started = performance.now();
  let outcome: string;
  try {
    outcome = fn() ?? 'ok';
  } catch (err) {
    if (!(err instanceof VigilError)) throw err;
    expect(err.userMessage.trim().length, `${err.code} without a message`).toBeGreaterThan(0);
    outcome = `rejected:${err.code}`;
  }
  const ms = performance.now() - started;
  expect(ms, `one case took ${Math.round(ms)} ms`).toBeLessThan(caseBoundMs);
  t.record(outcome, ms);
  return outcome;
}

/** outcomeOf for promises: the same rules, and a case that does not settle in caseBoundMs is a hang. */
export async function asyncOutcomeOf(t: Tally, fn: () => Promise<string | void>): Promise<string> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const hang = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`hang: no answer within ${caseBoundMs} ms`)), caseBoundMs);
  });
  let outcome: string;
  try {
    outcome = (await Promise.race([fn(), hang])) ?? 'ok';
  } catch (err) {
    if (!(err instanceof VigilError)) throw err;
    expect(err.userMessage.trim().length, `${err.code} without a message`).toBeGreaterThan(0);
    outcome = `rejected:${err.code}`;
  } finally {
    clearTimeout(timer);
  }
  const ms = performance.now() - started;
  t.record(outcome, ms);
  return outcome;
}

/** Byte-level mutations of a valid input: flips, cuts, inserts and splices, a few at a time. */
export function mutatedBytes(seedBytes: Buffer): fc.Arbitrary<Buffer> {
  const edit = fc.oneof(
    fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }),
    fc.record({ kind: fc.constant('set' as const), at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }),
    fc.record({ kind: fc.constant('cut' as const), at: fc.nat() }),
    fc.record({ kind: fc.constant('drop' as const), at: fc.nat(), n: fc.integer({ min: 1, max: 64 }) }),
    fc.record({
      kind: fc.constant('insert' as const),
      at: fc.nat(),
      bytes: fc.uint8Array({ maxLength: 16 }),
    }),
  );
  return fc.array(edit, { minLength: 1, maxLength: 4 }).map((edits) => {
    let b = Buffer.from(seedBytes);
    for (const e of edits) {
      const at = b.length === 0 ? 0 : e.at % b.length;
      if (e.kind === 'flip') b[at] = (b[at] ?? 0) ^ (1 << e.bit);
      else if (e.kind === 'set') b[at] = e.byte;
      else if (e.kind === 'cut') b = b.subarray(0, at);
      else if (e.kind === 'drop') b = Buffer.concat([b.subarray(0, at), b.subarray(at + e.n)]);
      else b = Buffer.concat([b.subarray(0, at), Buffer.from(e.bytes), b.subarray(at)]);
    }
    return b;
  });
}
