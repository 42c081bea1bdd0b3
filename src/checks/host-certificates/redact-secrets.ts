/**
 * Key material is overwritten in the read buffer itself, before any string is made from it: the
 * kubelet writes certificate and key into one file (kubelet-client-current.pem) and kubeconfigs embed
 * `client-key-data`, so such files cannot be skipped, but nothing after this point ever holds the key.
 */

const SPACE = 0x20;
const X = 0x78; // 'x'
const NEWLINE = 0x0a;

function lineStart(buf: Buffer, at: number): number {
  return buf.lastIndexOf(NEWLINE, at) + 1;
}

function lineEnd(buf: Buffer, at: number): number {
  const nl = buf.indexOf(NEWLINE, at);
  return nl < 0 ? buf.length : nl;
}

/**
 * Blanks every PEM private-key block (`-----BEGIN … PRIVATE KEY-----` through its END line, or up to
 * the next BEGIN or the end of the data when the block is cut off). Any other line that mentions
 * PRIVATE KEY (a damaged BEGIN or END line) is blanked too. Returns how many blocks were found.
 */
export function redactPrivateKeyBlocks(buf: Buffer): number {
  let blocks = 0;
  let from = 0;
  for (;;) {
    const hit = buf.indexOf('PRIVATE KEY', from, 'latin1');
    if (hit < 0) return blocks;
    blocks++;
    const start = lineStart(buf, hit);
    const headerEnd = lineEnd(buf, hit);
    const isEndLine = buf.subarray(start, headerEnd).includes('-----END');
    let stop = headerEnd;
    if (!isEndLine) {
      const end = buf.indexOf('-----END', headerEnd, 'latin1');
      const nextBegin = buf.indexOf('-----BEGIN', headerEnd, 'latin1');
      if (end >= 0 && (nextBegin < 0 || end < nextBegin)) stop = lineEnd(buf, end);
      else stop = nextBegin >= 0 ? nextBegin : buf.length;
    }
    buf.fill(SPACE, start, stop);
    from = stop;
  }
}

// Kubeconfig keys whose values are credentials. `token` also catches `id-token`, `refresh-token`.
const secretKeys = ['client-key-data', 'token', 'password'];
const boundaryBefore = new Set([SPACE, 0x09, NEWLINE, 0x0d, 0x22, 0x27, 0x2d, 0x7b, 0x2c]); // ws " ' - { ,

function indentOf(buf: Buffer, start: number): number {
  let i = start;
  while (i < buf.length && buf[i] === SPACE) i++;
  return i - start;
}

/**
 * Overwrites the values of `client-key-data`, `token` and `password` (YAML or JSON) with `x`, keeping
 * quotes, whitespace and line breaks so the document still parses. A plain or block scalar may go on
 * over more-indented lines; those are overwritten too. Returns how many values were found.
 */
export function redactKubeconfigSecrets(buf: Buffer): number {
  let values = 0;
  for (const key of secretKeys) {
    let from = 0;
    for (;;) {
      const hit = buf.indexOf(key, from, 'latin1');
      if (hit < 0) break;
      from = hit + key.length;
      if (hit > 0 && !boundaryBefore.has(buf[hit - 1] ?? SPACE)) continue;
      let i = hit + key.length;
      if (buf[i] === 0x22 || buf[i] === 0x27) i++; // closing quote of a JSON key
      while (buf[i] === SPACE || buf[i] === 0x09) i++;
      if (buf[i] !== 0x3a) continue; // ':'
      i++;
      while (buf[i] === SPACE || buf[i] === 0x09) i++;
      values++;
      from = overwriteValue(buf, i, indentOf(buf, lineStart(buf, hit)));
    }
  }
  return values;
}

function overwriteValue(buf: Buffer, at: number, keyIndent: number): number {
  const quote = buf[at] === 0x22 || buf[at] === 0x27 ? buf[at] : undefined;
  let i = at;
  if (quote !== undefined) {
    for (i = at + 1; i < buf.length && buf[i] !== quote; i++) {
      if (buf[i] === 0x5c && quote === 0x22) buf[i++] = X; // backslash escape: the next byte is data
      if (i < buf.length && buf[i] !== NEWLINE && buf[i] !== 0x0d) buf[i] = X;
    }
    return i + 1;
  }
  // Plain or block scalar: the rest of the line up to a JSON separator, then more-indented lines.
  for (; i < buf.length && buf[i] !== NEWLINE; i++) {
    if (buf[i] === 0x2c || buf[i] === 0x7d || buf[i] === 0x0d) break;
    if (buf[i] !== SPACE && buf[i] !== 0x09) buf[i] = X;
  }
  while (i < buf.length && buf[i] === NEWLINE) {
    const next = i + 1;
    const indent = indentOf(buf, next);
    const end = lineEnd(buf, next);
    const blank = next + indent === end;
    if (!blank && indent <= keyIndent) break;
    for (let j = next + indent; j < end; j++) if (buf[j] !== 0x0d && buf[j] !== 0x09) buf[j] = X;
    i = end;
  }
  return i;
}

/** Names under which nobody stores a certificate: such files are never opened. */
export function isPrivateKeyPath(path: string): boolean {
  const base = path.slice(path.lastIndexOf('/') + 1);
  return /(\.key|(^|[-_.])key\.pem|privkey\d*\.pem)$/i.test(base);
}
