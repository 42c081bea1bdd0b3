import {
  resolveSystemBinary,
  type ResolveSystemBinaryOptions,
  type ResolvedSystemBinary,
} from './resolve-system-binary.js';

export interface ResolvedChromium {
  /** What a browser driver's `executablePath` takes (playwright-core's `chromium.launch()`). */
  readonly executablePath: string;
  /** Flags to pass on every launch (headless mode is the driver's or the caller's to add). */
  readonly args: readonly string[];
  readonly source: ResolvedSystemBinary['source'];
}

/**
 * Chromium for browser tests, resolved like every system binary (VIGIL_CHROMIUM, PATH, the project's
 * unpacked copy; src/system/resolve-system-binary.ts). The flags make it start in a container:
 * - --no-sandbox: Chromium refuses to run as root with its sandbox, and an unpacked copy has no
 *   setuid chrome-sandbox helper; the tests only load pages they serve themselves;
 * - --disable-gpu: no GPU there, and probing Mesa's drivers only adds errors;
 * - --disable-dev-shm-usage: container /dev/shm is often 64 MB, too small for the renderer.
 */
export async function resolveChromium(opts: ResolveSystemBinaryOptions = {}): Promise<ResolvedChromium> {
  const chromium = await resolveSystemBinary('chromium', opts);
  return {
    executablePath: chromium.path,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
    source: chromium.source,
  };
}
