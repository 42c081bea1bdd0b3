import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { resolveChromium } from '../../src/system/resolve-chromium.js';

export interface Chromium {
  context: BrowserContext;
  close(): Promise<void>;
}

/**
 * Headless Chromium with a throwaway profile, quiet on the network: no background updates, sync,
 * QUIC or first-run pings, so a test only talks to the loopback servers it started. The program and
 * the flags it needs in a container come from src/system/resolve-chromium.ts (VIGIL_CHROMIUM, PATH,
 * or the copy the test setup unpacked, test/support/system-binaries-setup.ts).
 */
export async function launchChromium(): Promise<Chromium> {
  const resolved = await resolveChromium();
  const profile = mkdtempSync(join(tmpdir(), 'vigil-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: resolved.executablePath,
    headless: true,
    args: [
      ...resolved.args,
      '--headless',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
    viewport: { width: 1280, height: 860 },
  });
  return {
    context,
    async close() {
      await context.close().catch(() => undefined);
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
