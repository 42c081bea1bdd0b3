/** A wait that ran out: what was waited for is named in the message. */
export class TimedOutError extends Error {
  constructor(what: string, ms: number) {
    super(`${what} timed out after ${ms} ms`);
    this.name = 'TimedOutError';
  }
}

/**
 * `promise`, or a TimedOutError after `ms`. The timer is cleared as soon as either settles, so a
 * bounded wait never keeps the process alive by itself; the promise keeps running when time is up
 * (nothing here can cancel it), only nobody waits for it any longer.
 */
export function withinTime<T>(promise: Promise<T>, ms: number, what = 'the operation'): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TimedOutError(what, ms)), ms);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}
