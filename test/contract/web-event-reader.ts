/** One Server-Sent Event as received: its name and its JSON data, parsed. */
export interface ReceivedEvent {
  event: string;
  data: unknown;
}

export interface EventReader {
  readonly events: ReceivedEvent[];
  /** Resolves with the first event (already received or still to come) that `match` accepts. */
  next<T>(what: string, match: (e: ReceivedEvent) => T | undefined, timeoutMs?: number): Promise<T>;
  close(): void;
}

/**
 * Reads an event stream over real HTTP (fetch, as a test client; the browser's EventSource is the
 * e2e tests' job): splits frames on blank lines, ignores comments (the heartbeat), parses `data:`.
 */
export async function readEvents(url: string, headers: Record<string, string> = {}): Promise<EventReader> {
  const abort = new AbortController();
  const res = await fetch(url, {
    headers: { accept: 'text/event-stream', ...headers },
    signal: abort.signal,
  });
  if (res.status !== 200 || !res.body) throw new Error(`${url} answered ${res.status}`);
  if (!res.headers.get('content-type')?.startsWith('text/event-stream')) {
    throw new Error(`${url} is not an event stream: ${res.headers.get('content-type')}`);
  }
  const events: ReceivedEvent[] = [];
  const waiters = new Set<() => void>();
  let failure: unknown;
  void (async () => {
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for await (const chunk of res.body as AsyncIterable<Uint8Array>) {
        buffer += decoder.decode(chunk, { stream: true });
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const frame = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          let event = 'message';
          const data: string[] = [];
          for (const line of frame.split('\n')) {
            if (line.startsWith(':')) continue;
            if (line.startsWith('event: ')) event = line.slice(7);
            else if (line.startsWith('data: ')) data.push(line.slice(6));
          }
          if (data.length === 0) continue;
          events.push({ event, data: JSON.parse(data.join('\n')) as unknown });
          for (const wake of waiters) wake();
        }
      }
    } catch (err) {
      if (!abort.signal.aborted) failure = err;
    }
    for (const wake of waiters) wake();
  })();

  return {
    events,
    next(what, match, timeoutMs = 5000) {
      return new Promise((resolve, reject) => {
        let seen = 0;
        const check = () => {
          for (; seen < events.length; seen++) {
            const found = match(events[seen]!);
            if (found !== undefined) {
              done();
              return resolve(found);
            }
          }
          if (failure) {
            done();
            reject(failure instanceof Error ? failure : new Error(String(failure)));
          }
        };
        const timer = setTimeout(() => {
          done();
          reject(new Error(`no ${what} on the event stream within ${timeoutMs} ms`));
        }, timeoutMs);
        const done = () => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      });
    },
    close: () => abort.abort(),
  };
}
