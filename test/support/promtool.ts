import { spawn } from 'node:child_process';
import { resolveSystemBinary } from '../../src/system/resolve-system-binary.js';

/**
 * `promtool check metrics` on `text` (Prometheus's own linter for the exposition format): its exit
 * code and everything it printed. promtool comes from VIGIL_PROMTOOL, PATH, or Debian's `prometheus`
 * package unpacked into the project's cache (src/system/resolve-system-binary.ts).
 */
export async function promtoolCheckMetrics(text: string): Promise<{ code: number; output: string }> {
  const promtool = (await resolveSystemBinary('promtool')).path;
  const child = spawn(promtool, ['check', 'metrics'], { stdio: ['pipe', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const done = new Promise<number>((resolve, reject) => {
    child.once('error', (err) => reject(new Error(`cannot run ${promtool}: ${err.message}`)));
    child.once('close', (code) => resolve(code ?? -1));
  });
  child.stdin.on('error', () => undefined);
  child.stdin.end(text);
  return { code: await done, output };
}
