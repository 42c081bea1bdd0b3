import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** What every benchmark script shares: where the repo and its Node 24 are, flags, the compiled build. */
export const REPO = resolve(import.meta.dirname, '..');
export const NODE = join(REPO, 'node_modules', '.bin', 'node');
/** Node flags vigil runs with (bin/vigil.js, Dockerfile): small young generation, slow heap growth. */
export const VIGIL_NODE_FLAGS = ['--max-semi-space-size=1', '--heap-growing-percent=50'];

/** `--help`: prints the script's header comment (everything before its first `*\/`) and exits. */
export function exitWithHelpIf(help: boolean | undefined, scriptUrl: string): void {
  if (!help) return;
  process.stdout.write(readFileSync(new URL(scriptUrl), 'utf8').split('*/')[0] ?? '');
  process.exit(0);
}

export function positiveInt(name: string, raw: string): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive integer, not "${raw}"`);
  return n;
}

/**
 * vigil compiled with tsconfig.build.json into `dir` (what the container image runs: bin/vigil.js
 * prefers dist/). node_modules is symlinked beside it so that packages resolve as from the repo.
 * Returns the path of the compiled main.js.
 */
export function buildDist(dir: string): string {
  const out = join(dir, 'build');
  const r = spawnSync(
    NODE,
    [
      join(REPO, 'node_modules', 'typescript', 'bin', 'tsc'),
      '-p',
      'tsconfig.build.json',
      '--outDir',
      join(out, 'dist'),
    ],
    { cwd: REPO, encoding: 'utf8' },
  );
  const main = join(out, 'dist', 'src', 'main.js');
  if (!existsSync(main))
    throw new Error(`tsc -p tsconfig.build.json produced no ${main}:\n${r.stdout}${r.stderr}`);
  symlinkSync(join(REPO, 'node_modules'), join(out, 'node_modules'), 'dir');
  writeFileSync(join(out, 'package.json'), '{ "type": "module" }\n');
  return main;
}
