import { describe, expect, it } from 'vitest';
import { explainKubeError } from '../../../src/kube/explain-kube-error.js';
import { KubeResponseError } from '../../../src/kube/kube-response-error.js';
import { ListBoundError } from '../../../src/kube/list-bound-error.js';
import { listInPages } from '../../../src/kube/list-in-pages.js';

interface Item {
  metadata: { namespace: string; name: string };
}

const items = (from: number, n: number): Item[] =>
  Array.from({ length: n }, (_, i) => ({ metadata: { namespace: 'ns', name: `obj-${from + i}` } }));

/**
 * A fetchPage that gives up after 1,000 calls: without the bounds under test the walk never ends,
 * and this makes that a clean failure instead of a test run that spins forever.
 */
function server(
  answer: (token: string | undefined, call: number) => { items: Item[]; metadata?: { continue?: string } },
) {
  let calls = 0;
  return (token: string | undefined) => {
    calls += 1;
    if (calls > 1000) return Promise.reject(new Error('runaway: the walk never stopped'));
    return Promise.resolve(answer(token, calls));
  };
}

async function drain(pages: AsyncIterable<Item[]>): Promise<{ seen: number; error?: unknown }> {
  let seen = 0;
  try {
    for await (const page of pages) seen += page.length;
    return { seen };
  } catch (error) {
    return { seen, error };
  }
}

describe('listInPages bounds', () => {
  it('stops when the server hands back a continue token it already gave', async () => {
    let calls = 0;
    const { seen, error } = await drain(
      listInPages<Item>(
        server((token, call) => {
          calls = call;
          // Page 1 hands out "t1"; asked with "t1", the server answers "t1" again, forever.
          return { items: items(token ? 10 : 0, 10), metadata: { continue: 't1' } };
        }),
      ),
    );
    expect(calls).toBe(2);
    expect(seen).toBe(20);
    expect(error).toBeInstanceOf(ListBoundError);
    expect((error as ListBoundError).bound).toBe('repeated-continue-token');
  });

  it('stops at the page cap when every token is new but the list never ends', async () => {
    let calls = 0;
    const { error } = await drain(
      listInPages<Item>(
        server((_t, call) => {
          calls = call;
          return { items: [], metadata: { continue: `t${call}` } };
        }),
        { maxPages: 5 },
      ),
    );
    expect(calls).toBe(5);
    expect((error as ListBoundError).bound).toBe('max-pages');
    expect((error as Error).message).toContain('the page cap is 5');
  });

  it('stops at the item cap', async () => {
    let calls = 0;
    const { error } = await drain(
      listInPages<Item>(
        server((_t, call) => {
          calls = call;
          return { items: items(call * 10, 10), metadata: { continue: `t${call}` } };
        }),
        { maxItems: 25 },
      ),
    );
    expect(calls).toBe(3);
    expect((error as ListBoundError).bound).toBe('max-items');
    expect((error as Error).message).toContain('the item cap is 25');
  });

  it('stops at the time cap, counting the whole walk', async () => {
    let clock = 0;
    let calls = 0;
    const { error } = await drain(
      listInPages<Item>(
        server((_t, call) => {
          calls = call;
          clock += 400;
          return { items: [], metadata: { continue: `t${call}` } };
        }),
        { maxDurationMs: 1000 },
        () => clock,
      ),
    );
    expect(calls).toBe(3);
    expect((error as ListBoundError).bound).toBe('max-duration');
    expect((error as Error).message).toContain('the time cap is 1 s');
  });

  it('ends normally within the bounds', async () => {
    const { seen, error } = await drain(
      listInPages<Item>((token) =>
        Promise.resolve(
          token === undefined
            ? { items: items(0, 10), metadata: { continue: 'a' } }
            : { items: items(10, 5), metadata: {} },
        ),
      ),
    );
    expect(error).toBeUndefined();
    expect(seen).toBe(15);
  });

  it('with prefetch, asks for the next page before the consumer has the current one', async () => {
    const asked: (string | undefined)[] = [];
    const pages = listInPages<Item>(
      (token) => {
        asked.push(token);
        const n = token === undefined ? 0 : Number(token);
        return Promise.resolve({
          items: items(n, 10),
          metadata: n < 20 ? { continue: String(n + 10) } : {},
        });
      },
      {},
      undefined,
      { prefetch: true },
    );
    const seenAtYield: number[] = [];
    for await (const page of pages) {
      expect(page).toHaveLength(10);
      seenAtYield.push(asked.length);
    }
    // Page 1 is handed over with page 2 already asked for, and so on; never more than one ahead.
    expect(seenAtYield).toEqual([2, 3, 3]);
    expect(asked).toEqual([undefined, '10', '20']);
  });

  it('with prefetch, keeps the bounds: no request for a repeated token or past the page cap', async () => {
    let calls = 0;
    const repeated = await drain(
      listInPages<Item>(
        server((token, call) => {
          calls = call;
          return { items: items(token ? 10 : 0, 10), metadata: { continue: 't1' } };
        }),
        {},
        undefined,
        { prefetch: true },
      ),
    );
    expect((repeated.error as ListBoundError).bound).toBe('repeated-continue-token');
    expect(calls).toBe(2);
    let capped = 0;
    const { error } = await drain(
      listInPages<Item>(
        server((_token, call) => {
          capped = call;
          return { items: items(call * 10, 10), metadata: { continue: `t${call}` } };
        }),
        { maxPages: 3 },
        undefined,
        { prefetch: true },
      ),
    );
    expect((error as ListBoundError).bound).toBe('max-pages');
    expect(capped).toBe(3);
  });

  it('with prefetch, a failing prefetched page fails the walk when it is reached', async () => {
    const { seen, error } = await drain(
      listInPages<Item>(
        (token) =>
          token === undefined
            ? Promise.resolve({ items: items(0, 10), metadata: { continue: 'a' } })
            : Promise.reject(new Error('connection reset')),
        {},
        undefined,
        { prefetch: true },
      ),
    );
    expect(seen).toBe(10);
    expect((error as Error).message).toBe('connection reset');
  });

  it('with prefetch, an announced token sends the next request while the current page is still arriving', async () => {
    const sent: { token: string | undefined; whileOpen: (string | undefined)[] }[] = [];
    const open = new Set<string | undefined>();
    const pages = listInPages<Item>(
      async (token, announce) => {
        const n = token === undefined ? 0 : Number(token);
        sent.push({ token, whileOpen: [...open] });
        open.add(token);
        // The head of the body names the next token; the rest of the page takes a while longer,
        // each page longer than the one before it.
        announce(n < 20 ? String(n + 10) : undefined);
        await new Promise((r) => setTimeout(r, 5 + 2 * n));
        open.delete(token);
        return { items: items(n, 10), metadata: n < 20 ? { continue: String(n + 10) } : {} };
      },
      {},
      undefined,
      { prefetch: true },
    );
    const { seen } = await drain(pages);
    expect(seen).toBe(30);
    // Page 2 went out while page 1 was still open, page 3 (once page 2 was the current one) while
    // page 2 was; never two ahead.
    expect(sent).toEqual([
      { token: undefined, whileOpen: [] },
      { token: '10', whileOpen: [undefined] },
      { token: '20', whileOpen: ['10'] },
    ]);
  });

  it('with prefetch, a request on an announced token the decoded page contradicts is dropped', async () => {
    const asked: (string | undefined)[] = [];
    const { seen, error } = await drain(
      listInPages<Item>(
        (token, announce) => {
          asked.push(token);
          if (token === undefined) {
            announce('wrong');
            return Promise.resolve({ items: items(0, 10), metadata: { continue: 'right' } });
          }
          if (token === 'wrong') return Promise.reject(new Error('never awaited'));
          return Promise.resolve({ items: items(10, 10), metadata: {} });
        },
        {},
        undefined,
        { prefetch: true },
      ),
    );
    expect(error).toBeUndefined();
    expect(seen).toBe(20);
    expect(asked).toEqual([undefined, 'wrong', 'right']);
  });

  it('without prefetch, announcements are ignored', async () => {
    const asked: (string | undefined)[] = [];
    await drain(
      listInPages<Item>((token, announce) => {
        asked.push(token);
        announce('never');
        return Promise.resolve({ items: items(0, 1), metadata: {} });
      }),
    );
    expect(asked).toEqual([undefined]);
  });

  it('refuses a page without an items list instead of "page.items is not iterable"', async () => {
    const { error } = await drain(
      listInPages<Item>(() => Promise.resolve({ kind: 'Status' } as unknown as { items: Item[] })),
    );
    expect(error).toBeInstanceOf(KubeResponseError);
    expect((error as Error).message).toBe(
      'an object of kind Status without an items list instead of a Kubernetes list',
    );
  });

  it('is explained as a finding naming the list, the cluster and the bound', async () => {
    const { error } = await drain(
      listInPages<Item>(server(() => ({ items: [], metadata: { continue: 'same' } }))),
    );
    const explained = explainKubeError(error, {
      cluster: 'prod',
      server: 'https://10.0.0.1:6443',
      verb: 'list',
      resource: 'secrets',
    });
    expect(explained.code).toBe('kube-list-bound');
    expect(explained.userMessage).toMatch(
      /^listing secrets on cluster "prod" \(10\.0\.0\.1:6443\) was stopped: the API server handed out a continue token it had already given/,
    );
  });
});
