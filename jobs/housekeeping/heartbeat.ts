/** The dead-man's switch vigil keeps pressing (VIGIL_HEARTBEAT_URL, src/config/serve-env.ts). */
export interface Heartbeat {
  /** One ping; true when the receiver answered 2xx. Never throws: a failed ping is logged. */
  beat(): Promise<boolean>;
}

export interface HeartbeatOptions {
  url: string;
  method?: 'GET' | 'POST';
  timeoutMs?: number;
  log: { warn(fields: object, message: string): void };
}

/**
 * Pings the URL with Node's fetch. The URL's path and query often are the secret (healthchecks.io's
 * uuid, a `?key=`), so only its scheme and host are ever logged, and error texts are scrubbed of it.
 */
export function createHeartbeat(options: HeartbeatOptions): Heartbeat {
  const target = heartbeatTarget(options.url);
  const scrub = (text: string) => text.split(options.url).join(target);
  return {
    async beat() {
      try {
        const res = await fetch(options.url, {
          method: options.method ?? 'GET',
          redirect: 'follow',
          signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
          ...(options.method === 'POST' ? { body: 'vigil housekeeping cycle ok' } : {}),
        });
        await res.arrayBuffer().catch(() => undefined);
        if (res.ok) return true;
        options.log.warn({ target, status: res.status }, 'heartbeat refused; the dead-man switch may fire');
        return false;
      } catch (err) {
        const cause = err instanceof Error && err.cause instanceof Error ? `: ${err.cause.message}` : '';
        const message = err instanceof Error ? `${err.message}${cause}` : String(err);
        options.log.warn(
          { target, error: scrub(message) },
          'heartbeat not delivered; the dead-man switch may fire',
        );
        return false;
      }
    },
  };
}

/** What of a heartbeat URL may appear in logs: `https://hc-ping.com`, never its path or query. */
export function heartbeatTarget(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}`;
  } catch {
    return '(invalid URL)';
  }
}
