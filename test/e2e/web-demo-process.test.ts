import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');
const tsxLoader = import.meta.resolve('tsx');

const portOpen = (port: number) =>
  new Promise<boolean>((resolve) => {
    const s = connect(port, '127.0.0.1');
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });

/**
 * `vigil demo` as a person runs it: a child process that prints where the web chat is and the
 * story's timeline, serves the page, and on Ctrl-C (SIGINT) stops everything it started (its
 * redis-server included) and removes what it wrote, then exits 0.
 */
describe('vigil demo (the process)', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'vigil-demo-process-'));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it('prints the web chat and the timeline, serves it, and leaves nothing behind on Ctrl-C', async () => {
    const env: NodeJS.ProcessEnv = { ...process.env, TMPDIR: tmp, NO_COLOR: '1' };
    delete env['REDIS_URL'];
    delete env['VIGIL_DEMO_PORT'];
    const child = spawn(
      process.execPath,
      ['--import', tsxLoader, join(root, 'src/main.ts'), 'demo', '--port', '0'],
      {
        cwd: root,
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const lines: string[] = [];
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.stderr.on('data', (d: Buffer) => lines.push(`stderr: ${d.toString()}`));
    const wanted = (pattern: RegExp, timeoutMs: number) =>
      new Promise<RegExpMatchArray>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`no line matching ${pattern} in ${timeoutMs} ms:\n${lines.join('\n')}`)),
          timeoutMs,
        );
        const check = (line: string) => {
          const m = pattern.exec(line);
          if (m) {
            clearTimeout(timer);
            resolve(m);
          }
        };
        lines.forEach(check);
        rl.on('line', check);
      });
    const rl = createInterface({ input: child.stdout });
    rl.on('line', (l) => lines.push(l));
    try {
      const [, url] = await wanted(/Web chat\s+(http:\/\/127\.0\.0\.1:\d+\/)/, 40_000);
      const [, redisPort] = await wanted(/Redis\s+\S*redis-server on 127\.0\.0\.1:(\d+) \(temporary\)/, 1000);
      await wanted(/\+2:30 {2}Secret payments\/api-tls is renewed/, 1000);
      await wanted(/first alert on the page/, 30_000);
      const page = await fetch(url!);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('vigil demo · web chat');
      const feed = (await (await fetch(`${url}api/feed`)).json()) as { messages: unknown[] };
      expect(feed.messages.length).toBeGreaterThan(0);
      expect(await portOpen(Number(redisPort))).toBe(true);
      expect(readdirSync(tmp).some((f) => f.startsWith('vigil-demo-'))).toBe(true);

      child.kill('SIGINT');
      expect(await exited).toBe(0);
      expect(lines.join('\n')).toMatch(/vigil demo: stopped/);
      expect(await portOpen(Number(redisPort))).toBe(false);
      expect(await portOpen(Number(new URL(url!).port))).toBe(false);
      // Only what other tools put in TMPDIR (tsx's compile cache) may remain: nothing of the demo's.
      expect(readdirSync(tmp).filter((f) => f.startsWith('vigil-'))).toEqual([]);
    } finally {
      child.kill('SIGKILL');
    }
  }, 90_000);
});
