import { spawn } from 'node:child_process';

/**
 * Prometheus's own linter for the exposition format. Resolved as VIGIL_PROMTOOL, else `promtool` on
 * the PATH (Debian's `prometheus` package ships it).
 */
export const promtoolBin = process.env.VIGIL_PROMTOOL ?? 'promtool';

/** `promtool check metrics` on `text`: its exit code and everything it printed. */
export async function promtoolCheckMetrics(text: string): Promise<{ code: number; output: string }> {
  const child = spawn(promtoolBin, ['check', 'metrics'], { stdio: ['pipe', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const done = new Promise<number>((resolve, reject) => {
    child.once('error', (err) =>
      reject(
        new Error(
          `cannot run ${promtoolBin}: ${err.message}; install Prometheus's promtool (apt-get install prometheus) or set VIGIL_PROMTOOL to its path`,
        ),
      ),
    );
    child.once('close', (code) => resolve(code ?? -1));
  });
  child.stdin.on('error', () => undefined);
  child.stdin.end(text);
  return { code: await done, output };
}
