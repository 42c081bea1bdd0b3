import { KubeStatusError, kubeStatus } from './kube-status.js';

/**
 * The real token is base64 of `{"v":"meta.k8s.io/v1","rv":<etcd revision>,"start":"<next key>"}`.
 * Clients must treat it as opaque; keeping the real layout means a client that (wrongly) parses it,
 * or a test that compares tokens, sees the same thing it would on a cluster.
 */
export interface ContinueToken {
  /** Revision of the snapshot the walk reads; -1 means "latest" (the token handed out with a 410). */
  rv: number;
  /** Key to resume at, inclusive: the last returned key plus "\u0000", exactly as etcd3 does. */
  start: string;
}

export function encodeContinue(token: ContinueToken): string {
  return Buffer.from(JSON.stringify({ v: 'meta.k8s.io/v1', rv: token.rv, start: token.start })).toString(
    'base64url',
  );
}

/** Garbage is a 400 `invalid continue token` (what the real server says); a stale one is the caller's 410. */
export function decodeContinue(raw: string): ContinueToken {
  try {
    const parsed = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as Record<string, unknown>;
    if (
      parsed['v'] === 'meta.k8s.io/v1' &&
      typeof parsed['rv'] === 'number' &&
      typeof parsed['start'] === 'string'
    ) {
      return { rv: parsed['rv'], start: parsed['start'] };
    }
  } catch {
    // falls through to the same answer as a well-formed but foreign token
  }
  throw new KubeStatusError(kubeStatus.badRequest('invalid continue token: continue key is not valid'));
}
