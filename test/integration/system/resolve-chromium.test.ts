import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { resolveChromium } from '../../../src/system/resolve-chromium.js';

const run = promisify(execFile);
const profile = mkdtempSync(join(tmpdir(), 'vigil-chromium-'));
afterAll(() => rmSync(profile, { recursive: true, force: true }));

describe('resolveChromium', () => {
  it('gives a Chromium that starts headless here and runs a page script', async () => {
    const chromium = await resolveChromium();
    const page = `data:text/html,<p id="answer"></p><script>document.getElementById('answer').textContent = 6 * 7</script>`;
    const { stdout } = await run(
      chromium.executablePath,
      [...chromium.args, '--headless', `--user-data-dir=${profile}`, '--dump-dom', page],
      { timeout: 25_000 },
    );
    expect(stdout).toContain('<p id="answer">42</p>');
  });
});
