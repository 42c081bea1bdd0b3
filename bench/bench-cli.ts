import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
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
 * prefers dist/). node_modules is symlinked beside it so that packages resolve as from the repo, and
 * bin/vigil.js and a package.json with vigil's name and version sit beside dist/ as in the image
 * (Dockerfile), so `build/bin/vigil.js` runs the compiled CLI and `--version` finds its version.
 * `from` is the source tree to compile (default: this checkout; bench/cli-startup.ts passes an
 * exported older commit). Returns the path of the compiled main.js.
 */
export function buildDist(dir: string, from: string = REPO): string {
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
    { cwd: from, encoding: 'utf8' },
  );
  const main = join(out, 'dist', 'src', 'main.js');
  if (!existsSync(main))
    throw new Error(`tsc -p tsconfig.build.json produced no ${main}:\n${r.stdout}${r.stderr}`);
  symlinkSync(join(REPO, 'node_modules'), join(out, 'node_modules'), 'dir');
  const pkg = JSON.parse(readFileSync(join(from, 'package.json'), 'utf8')) as {
    name: string;
    version: string;
  };
  writeFileSync(
    join(out, 'package.json'),
    `${JSON.stringify({ name: pkg.name, version: pkg.version, type: 'module' })}\n`,
  );
  mkdirSync(join(out, 'bin'));
  copyFileSync(join(from, 'bin', 'vigil.js'), join(out, 'bin', 'vigil.js'));
  return main;
}
