import { createHash } from 'node:crypto';

/**
 * A stable id for "this thing on this cluster": the alert lifecycle keys on it, so it must not change
 * when only severity or certificate content changes (a renewed certificate resolves the same alert).
 */
export function fingerprint(...parts: string[]): string {
  return createHash('sha256').update(parts.join('\u0000')).digest('hex').slice(0, 16);
}
