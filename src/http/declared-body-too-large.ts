/** Declared body length above the limit: answered 413 before a byte of the body is read. */
export function declaredBodyTooLarge(contentLength: string | undefined, limitBytes: number): boolean {
  if (contentLength === undefined) return false;
  const n = Number(contentLength);
  return Number.isFinite(n) && n > limitBytes;
}
