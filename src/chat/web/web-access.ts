import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';
import { VigilError } from '../../domain/vigil-error.js';

export interface WebAccessOptions {
  /** The address the HTTP server binds (HOST); decides whether a token is required. */
  bindHost: string;
  /** VIGIL_WEB_TOKEN; required unless `bindHost` is a loopback address. */
  token?: string;
}

export type AccessDecision = { ok: true } | { ok: false; status: 401 | 403; message: string };

export const sessionCookieName = 'vigil_web';

const tokenKey = Buffer.from('vigil-web-token');

/** 127.0.0.0/8, ::1 and localhost: only this machine can connect. */
export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (h === 'localhost' || h.endsWith('.localhost')) return true;
  if (isIP(h) === 4) return h.startsWith('127.');
  return h === '::1' || h === '::ffff:127.0.0.1';
}

/**
 * Who may use the web chat. On a loopback address without a token, anyone on this machine, and
 * only through a loopback Host header: a web page elsewhere cannot point its own hostname at
 * 127.0.0.1 (DNS rebinding) and script the chat. Anywhere else VIGIL_WEB_TOKEN is required, as an
 * `Authorization: Bearer` header or the HttpOnly SameSite=Strict cookie a `?token=` link sets.
 * Tokens are compared in constant time, through an HMAC so lengths do not leak either.
 */
export class WebAccess {
  private readonly key: Buffer | undefined;
  private readonly session: string | undefined;

  constructor(options: WebAccessOptions) {
    const token = options.token?.trim() || undefined;
    if (!token && !isLoopbackHost(options.bindHost)) {
      throw new VigilError(
        'web-token-required',
        `the web chat would listen on ${options.bindHost}, which other machines can reach, without a token: set VIGIL_WEB_TOKEN (e.g. \`openssl rand -hex 32\`), or bind to 127.0.0.1 (HOST=127.0.0.1)`,
      );
    }
    if (token) {
      // Only digests are kept: the token itself is never held, logged or compared directly.
      this.key = digest(tokenKey, token);
      this.session = digest(this.key, 'session').toString('base64url');
    }
  }

  /** Whether a token is in force (then `?token=` links and the cookie mean something). */
  get tokenRequired(): boolean {
    return this.key !== undefined;
  }

  check(req: IncomingMessage): AccessDecision {
    if (!this.key) {
      const host = hostName(req.headers.host);
      return host !== undefined && isLoopbackHost(host)
        ? { ok: true }
        : { ok: false, status: 403, message: 'this web chat answers on 127.0.0.1 or localhost only' };
    }
    const bearer = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
    if (bearer !== undefined && this.matches(bearer)) return { ok: true };
    const cookie = cookieValue(req.headers.cookie, sessionCookieName);
    if (cookie !== undefined && this.session !== undefined && same(cookie, this.session)) return { ok: true };
    return {
      ok: false,
      status: 401,
      message: 'this web chat needs its token: open it once as /?token=… (the value of VIGIL_WEB_TOKEN)',
    };
  }

  /** Whether `token` (from a `?token=` link or a Bearer header) is the configured one. */
  matches(token: string): boolean {
    return this.key !== undefined && same(digest(tokenKey, token), this.key);
  }

  /** The Set-Cookie value that lets this browser in from now on. */
  sessionCookie(secure: boolean): string {
    const parts = [
      `${sessionCookieName}=${this.session ?? ''}`,
      'Path=/',
      'HttpOnly',
      'SameSite=Strict',
      'Max-Age=2592000',
    ];
    if (secure) parts.push('Secure');
    return parts.join('; ');
  }

  /**
   * A state-changing request must come from this page: JSON (a cross-site form cannot send it without
   * a CORS preflight, which vigil never answers) and, when the browser says where it comes from, from
   * this origin.
   */
  checkPost(req: IncomingMessage): AccessDecision {
    const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
    if (type !== 'application/json') {
      return { ok: false, status: 403, message: 'send JSON (content-type: application/json)' };
    }
    if (req.headers['sec-fetch-site'] === 'cross-site') {
      return { ok: false, status: 403, message: 'cross-site requests are refused' };
    }
    const origin = req.headers.origin;
    if (origin !== undefined && origin !== 'null') {
      let originHost: string;
      try {
        originHost = new URL(origin).host;
      } catch {
        return { ok: false, status: 403, message: 'unreadable Origin header' };
      }
      if (originHost !== req.headers.host) {
        return { ok: false, status: 403, message: 'requests from another origin are refused' };
      }
    }
    return { ok: true };
  }
}

function digest(key: Buffer, value: string): Buffer {
  return createHmac('sha256', key).update(value).digest();
}

function same(a: Buffer | string, b: Buffer | string): boolean {
  const x = typeof a === 'string' ? Buffer.from(a) : a;
  const y = typeof b === 'string' ? Buffer.from(b) : b;
  return x.length === y.length && timingSafeEqual(x, y);
}

function hostName(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const m = /^(\[[^\]]+\]|[^:]+)(?::\d+)?$/.exec(header.trim());
  return m?.[1];
}

function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}
