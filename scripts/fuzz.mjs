#!/usr/bin/env node
// The fuzz campaign: `npm run fuzz [-- --scale 40] [--runs N] [--seed S] [--only name]`.
// Runs the properties of test/fuzz (the same files `npm test` runs bounded) with many more inputs and
// a random seed (printed, so any failure reproduces with VIGIL_FUZZ_SEED=<seed>), one file at a time
// to stay frugal on a shared machine, then prints per target: inputs tried, how they ended (ok, or
// the named rejection), crashes, hangs, the slowest case and the time. docs/fuzzing.md records runs.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    scale: { type: 'string', default: '40' },
    runs: { type: 'string' },
    seed: { type: 'string' },
    only: { type: 'string' },
  },
});
const root = join(import.meta.dirname, '..');
const seed = values.seed ?? String(Math.floor(Math.random() * 2 ** 31));
const files = readdirSync(join(root, 'test', 'fuzz'))
  .filter((f) => f.endsWith('.test.ts') && (!values.only || f.includes(values.only)))
  .sort();
const reportDir = mkdtempSync(join(tmpdir(), 'vigil-fuzz-report-'));
const env = {
  ...process.env,
  VIGIL_FUZZ_SEED: seed,
  VIGIL_FUZZ_SCALE: values.scale,
  ...(values.runs ? { VIGIL_FUZZ_RUNS: values.runs } : {}),
  VIGIL_FUZZ_REPORT: reportDir,
  LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent',
};
const how = values.runs ? `${values.runs} runs per property` : `${values.scale}x the npm test runs`;
process.stdout.write(`fuzz campaign: seed ${seed}, ${how}, ${files.length} files\n`);

const failures = [];
for (const file of files) {
  const started = Date.now();
  const json = join(reportDir, `${file}.vitest.json`);
  const run = spawnSync(
    join(root, 'node_modules', '.bin', 'vitest'),
    ['run', join('test', 'fuzz', file), '--testTimeout=7200000', '--reporter=json', `--outputFile=${json}`],
    { cwd: root, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  let results;
  try {
    results = JSON.parse(readFileSync(json, 'utf8'));
  } catch {
    failures.push({ file, title: 'the file did not run', message: run.stderr.slice(-2000) });
    process.stdout.write(`${file}: did not run (exit ${run.status}) in ${seconds} s\n`);
    continue;
  }
  for (const suite of results.testResults ?? []) {
    for (const test of suite.assertionResults ?? []) {
      if (test.status === 'failed') {
        failures.push({ file, title: test.fullName, message: (test.failureMessages ?? []).join('\n') });
      }
    }
  }
  process.stdout.write(
    `${file}: ${results.numPassedTests} passed, ${results.numFailedTests} failed in ${seconds} s\n`,
  );
}

const isHang = (f) => /hang: no answer|one case took|timed out/i.test(f.message);
const hangs = failures.filter(isHang);
const crashes = failures.filter((f) => !isHang(f));
process.stdout.write(`\nseed ${seed}\n`);
process.stdout.write('target           tried  crashes hangs slowest  time    outcomes\n');
for (const name of readdirSync(reportDir).filter((f) => f.endsWith('.json') && !f.includes('.vitest.'))) {
  const r = JSON.parse(readFileSync(join(reportDir, name), 'utf8'));
  const file = files.find((f) => f.includes(r.target)) ?? r.target;
  const own = (list) => list.filter((f) => f.file === file).length;
  const outcomes = Object.entries(r.outcomes)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
  process.stdout.write(
    `${r.target.padEnd(16)} ${String(r.tried).padStart(6)} ${String(own(crashes)).padStart(8)} ${String(own(hangs)).padStart(5)} ${`${r.slowestCaseMs} ms`.padStart(8)} ${`${(r.elapsedMs / 1000).toFixed(1)} s`.padStart(7)}  ${outcomes}\n`,
  );
}
for (const f of failures) {
  // The cause, seed and path first: the counterexample after them can be long.
  const key = f.message.split('\n').filter((l) => /Caused by|Property failed|seed:/.test(l));
  process.stdout.write(
    `\nFAILED ${f.file} > ${f.title}\n${key.slice(0, 6).join('\n')}\n${f.message.slice(0, 2000)}\n`,
  );
}
rmSync(reportDir, { recursive: true, force: true });
process.exitCode = failures.length > 0 ? 1 : 0;
