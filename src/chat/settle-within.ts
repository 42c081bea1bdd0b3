export type Settled<T> =
  | { state: 'fulfilled'; value: T }
  | { state: 'rejected'; error: unknown }
  | { state: 'pending'; promise: Promise<T> };

/** Waits for `promise` at most `ms`; past that it reports `pending` and hands the promise back. */
export async function settleWithin<T>(promise: Promise<T>, ms: number): Promise<Settled<T>> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), ms);
  });
  try {
    const winner = await Promise.race([
      promise.then(
        (value) => ({ state: 'fulfilled' as const, value }),
        (error: unknown) => ({ state: 'rejected' as const, error }),
      ),
      deadline,
    ]);
    return winner === 'timeout' ? { state: 'pending', promise } : winner;
  } finally {
    clearTimeout(timer);
  }
}
