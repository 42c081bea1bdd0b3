/**
 * One replica of the soak (bench/soak-replicas.ts): `vigil serve` as src/serve/run-serve.ts runs it,
 * started the way src/main.ts starts it, with two differences the soak needs and production never
 * gets (this file is under bench/, which nothing under src/ imports and the image does not contain):
 *
 * - The config is validated by parseConfig without the schedule minimum, so the soak's per-second
 *   patterns (one tick a second standing for one a minute) are accepted; loadConfig refuses them
 *   (src/config/schedule-frequency-problems.ts).
 * - SOAK_CLOCK_OFFSET_MS shifts this process's wall clock (Date.now and `new Date()`) by that many
 *   milliseconds, as on a node whose NTP has drifted. Timers and performance.now are left alone (a
 *   skewed wall clock does not make timers run faster), and Redis keeps its own clock.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parse } from 'yaml';

const offsetMs = Number(process.env['SOAK_CLOCK_OFFSET_MS'] ?? '0');
if (!Number.isFinite(offsetMs)) throw new Error('SOAK_CLOCK_OFFSET_MS must be a number of milliseconds');
if (offsetMs !== 0) {
  const RealDate = Date;
  class SkewedDate extends RealDate {
    constructor(...args: unknown[]) {
      if (args.length === 0) super(RealDate.now() + offsetMs);
      else super(...(args as [string | number | Date]));
    }
    static override now(): number {
      return RealDate.now() + offsetMs;
    }
  }
  globalThis.Date = SkewedDate as DateConstructor;
}

const configPath = process.argv[2];
if (!configPath) throw new Error('usage: soak-serve-child.ts CONFIG');
// Imported after the clock is set, so that every module sees the same Date.
const { parseConfig } = await import('../src/config/load-config.js');
const { runServe } = await import('../src/serve/run-serve.js');
const config = parseConfig(
  parse(readFileSync(configPath, 'utf8')),
  configPath,
  dirname(resolve(configPath)),
  {
    env: process.env,
  },
);
try {
  process.exitCode = await runServe(config);
} catch (err) {
  process.stderr.write(`vigil: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 3;
}
