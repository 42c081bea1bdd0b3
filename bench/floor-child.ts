/**
 * The floor of the TLS Secret scan, run as a child of bench/secrets-scan.ts: the same paginated list
 * vigil sends (`type=kubernetes.io/tls` selector, same page size) over HTTPS with keep-alive, each
 * page read whole and JSON-decoded, and nothing else: no certificate work, no findings, no client
 * library. No scan can be faster than this against the same server.
 *
 *   node bench/floor-child.ts SERVER_URL CA_FILE TOKEN PAGE_SIZE
 *
 * Plain Node (its built-in type stripping, no tsx loader, only node: imports), so the process costs
 * what a minimal client costs. Prints one JSON line: items and pages seen, and the time of the walk
 * alone (first request to last page decoded).
 */
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:https';

export interface FloorChildReport {
  items: number;
  pages: number;
  walkMs: number;
  maxRssKb: number;
}

function getPage(agent: Agent, url: URL, token: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { agent, headers: { authorization: `Bearer ${token}`, accept: 'application/json' } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          if (res.statusCode !== 200) {
            reject(new Error(`HTTP ${res.statusCode} for ${url.pathname}`));
            return;
          }
          try {
            resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
          } catch (err) {
            reject(err instanceof Error ? err : new Error(String(err)));
          }
        });
      },
    );
    req.on('error', reject);
    req.end();
  });
}

async function main(server: string, caFile: string, token: string, pageSize: number) {
  const agent = new Agent({ keepAlive: true, ca: readFileSync(caFile, 'utf8') });
  const t0 = performance.now();
  let items = 0;
  let pages = 0;
  let next: string | undefined;
  do {
    const url = new URL('/api/v1/secrets', server);
    url.searchParams.set('fieldSelector', 'type=kubernetes.io/tls');
    url.searchParams.set('limit', String(pageSize));
    if (next) url.searchParams.set('continue', next);
    const page = (await getPage(agent, url, token)) as { items: unknown[]; metadata?: { continue?: string } };
    items += page.items.length;
    pages += 1;
    next = page.metadata?.continue || undefined;
    if (pages > 100_000) throw new Error('the list did not end');
  } while (next);
  const walkMs = performance.now() - t0;
  agent.destroy();
  const report: FloorChildReport = { items, pages, walkMs, maxRssKb: process.resourceUsage().maxRSS };
  process.stdout.write(`${JSON.stringify(report)}\n`);
}

const [server, caFile, token, pageSize] = process.argv.slice(2);
if (!server || !caFile || !token || !pageSize) {
  process.stderr.write('usage: node bench/floor-child.ts SERVER_URL CA_FILE TOKEN PAGE_SIZE\n');
  process.exitCode = 2;
} else {
  main(server, caFile, token, Number(pageSize)).catch((err: unknown) => {
    process.stderr.write(`floor-child: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exitCode = 1;
  });
}
