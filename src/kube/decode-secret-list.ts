/**
 * A Secret list page as the certificate reader needs it: per item only `metadata` (namespace, name,
 * uid, resourceVersion) and the `data` values whose key `wanted` accepts, plus the list's
 * `metadata.continue` and `kind`. Values that are not strings where a string belongs are kept as
 * decoded JSON, so that the reader can name them ("whose data["tls.crt"] is a number").
 */
export interface DecodedSecretList {
  kind?: unknown;
  metadata?: { continue?: unknown };
  items?: DecodedSecret[];
}

export interface DecodedSecret {
  metadata?: { namespace?: unknown; name?: unknown; uid?: unknown; resourceVersion?: unknown };
  data?: unknown;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const MAX_DEPTH = 256;
const NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;
const SECRET_META = new Set(['namespace', 'name', 'uid', 'resourceVersion']);

/**
 * Decodes a Secret list body without building the rest of it. Why: `JSON.parse` of a page of 500
 * cert-manager Secrets builds every annotation, every managedFields entry and every `tls.key` as
 * JavaScript values only to drop them, and that garbage (not the certificate work) was what the
 * scan spent its time collecting (BENCHMARKS.md "TLS Secret scan at scale"). This scanner walks the
 * bytes once, skips long strings with `Buffer.indexOf`, and materializes only the wanted fields: a
 * private key never becomes a JavaScript string at all.
 *
 * The whole body is still checked to be JSON (structure, literals, numbers, string ends), and
 * anything that is not leaves as a SyntaxError that names a byte offset, never the content (it may
 * be Secret data; explain-kube-error.ts reports it as "a body that is not JSON"). Two leniencies,
 * both in values that are skipped and change no finding: raw control characters inside a string and
 * invalid escapes inside a skipped string are not rejected. A body whose top level is not an object
 * goes through `JSON.parse` (it is small, or not a list at all).
 */
export function decodeSecretList(
  body: Buffer,
  wanted: (dataKey: string) => boolean,
  interner: DataInterner = new DataInterner(),
): unknown {
  const s = new Scanner(body, interner);
  s.ws();
  if (s.peek() !== 0x7b /* { */) return JSON.parse(body.toString('utf8'));
  const list: DecodedSecretList = {};
  s.object((key) => {
    if (key === 'items') {
      if (s.peek() !== 0x5b /* [ */) {
        s.skipValue(0); // not a list: reported by list-in-pages.ts as a page without items
        return;
      }
      const items: DecodedSecret[] = [];
      s.array(() => items.push(s.peek() === 0x7b ? secret(s, wanted) : (s.decodeValue() as DecodedSecret)));
      list.items = items;
    } else if (key === 'metadata' && s.peek() === 0x7b) {
      const meta: { continue?: unknown } = {};
      s.object((k) => {
        if (k === 'continue') meta.continue = s.decodeValue();
        else s.skipValue(0);
      });
      list.metadata = meta;
    } else if (key === 'kind') {
      list.kind = s.decodeValue();
    } else s.skipValue(0);
  });
  s.ws();
  if (!s.atEnd()) s.fail('unexpected data after the JSON value');
  return list;
}

/** Thrown to stop scanning a head once the answer is known. */
class HeadRead {
  constructor(readonly next: string | undefined) {}
}

/**
 * The list's next continue token read from the first bytes of its body: a string, `undefined`
 * when the head shows there is none to act on (no token, a token that is not a string, or `items`
 * before `metadata`, which kube-apiserver never sends), or `'more'` when the bytes so far do not
 * tell. Malformed bytes also say `'more'`: the whole body is judged by decodeSecretList.
 */
export function peekContinue(head: Buffer): string | undefined | 'more' {
  const s = new Scanner(head, new DataInterner(1));
  try {
    s.ws();
    if (s.atEnd()) return 'more';
    if (s.peek() !== 0x7b) return undefined;
    s.object((key) => {
      if (key === 'items') throw new HeadRead(undefined);
      if (key !== 'metadata') return s.skipValue(0);
      if (s.peek() !== 0x7b) throw new HeadRead(undefined);
      let next: unknown;
      s.object((k) => {
        if (k === 'continue') next = s.decodeValue();
        else s.skipValue(0);
      });
      throw new HeadRead(typeof next === 'string' && next !== '' ? next : undefined);
    });
    return undefined;
  } catch (err) {
    if (err instanceof HeadRead) return err.next;
    return 'more';
  }
}

function secret(s: Scanner, wanted: (dataKey: string) => boolean): DecodedSecret {
  const out: DecodedSecret = {};
  s.object((key) => {
    if (key === 'metadata' && s.peek() === 0x7b) {
      const meta: Record<string, unknown> = {};
      s.object((k) => {
        if (SECRET_META.has(k)) meta[k] = s.decodeValue();
        else s.skipValue(1);
      });
      out.metadata = meta;
    } else if (key === 'metadata') {
      out.metadata = s.decodeValue() as DecodedSecret['metadata'];
    } else if (key === 'data' && s.peek() === 0x7b) {
      const data: Record<string, unknown> = {};
      s.object((k) => {
        if (wanted(k)) data[k] = s.peek() === QUOTE ? s.internedString() : s.decodeValue();
        else s.skipValue(1);
      });
      out.data = data;
    } else if (key === 'data') {
      out.data = s.decodeValue();
    } else s.skipValue(1);
  });
  return out;
}

/**
 * Secret data values seen during one walk, so that the same bytes give the same string instance.
 * Why: real clusters copy one certificate (a wildcard, a CA) into many namespaces, and every copy
 * decoded anew is 3 KB of fresh heap per Secret that outlives the young generation; one instance
 * per distinct certificate costs nothing after the first, and the check's cache (bundle-finding.ts)
 * then matches it by identity. Entries are found by length and a sample from the middle of the
 * bytes (base64 of key and signature bits, which differ between certificates), and taken only
 * when all bytes are equal. Bounded: a table of all-distinct values is dropped and restarted.
 */
export class DataInterner {
  private readonly seen = new Map<string, { bytes: Buffer; value: string }>();

  constructor(private readonly maxEntries = 512) {}

  intern(bytes: Buffer): string {
    const mid = bytes.length >>> 1;
    const key = `${bytes.length}:${bytes.toString('latin1', Math.max(0, mid - 24), mid + 24)}`;
    const hit = this.seen.get(key);
    if (hit && hit.bytes.equals(bytes)) return hit.value;
    const value = bytes.toString('utf8');
    if (this.seen.size >= this.maxEntries) this.seen.clear();
    this.seen.set(key, { bytes: Buffer.from(bytes), value });
    return value;
  }
}

class Scanner {
  private pos = 0;
  /** The first backslash at or after the last position asked about; -1 when there is none left. */
  private nextSlash: number;

  constructor(
    private readonly b: Buffer,
    private readonly interner: DataInterner,
  ) {
    this.nextSlash = b.indexOf(BACKSLASH);
  }

  /** Remembered, so that looking for escapes stays linear in the body instead of one search per string. */
  private backslashAtOrAfter(p: number): number {
    if (this.nextSlash !== -1 && this.nextSlash < p) this.nextSlash = this.b.indexOf(BACKSLASH, p);
    return this.nextSlash;
  }

  peek(): number | undefined {
    return this.b[this.pos];
  }

  atEnd(): boolean {
    return this.pos >= this.b.length;
  }

  fail(why: string): never {
    throw new SyntaxError(`${why} at byte ${this.pos} of ${this.b.length}`);
  }

  ws(): void {
    const b = this.b;
    let p = this.pos;
    for (;;) {
      const c = b[p];
      if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) break;
      p++;
    }
    this.pos = p;
  }

  private expect(c: number, what: string): void {
    this.ws();
    if (this.b[this.pos] !== c) this.fail(`expected ${what}`);
    this.pos++;
  }

  /** Calls `onMember` with the scanner at each member's value (after whitespace); it must consume it. */
  object(onMember: (key: string) => void): void {
    this.expect(0x7b, '{');
    this.ws();
    if (this.b[this.pos] === 0x7d) {
      this.pos++;
      return;
    }
    for (;;) {
      this.ws();
      const key = this.string();
      this.expect(0x3a, ':');
      this.ws();
      onMember(key);
      this.ws();
      const c = this.b[this.pos];
      this.pos++;
      if (c === 0x2c) continue;
      if (c === 0x7d) return;
      this.pos--;
      this.fail('expected , or }');
    }
  }

  array(onItem: () => void): void {
    this.expect(0x5b, '[');
    this.ws();
    if (this.b[this.pos] === 0x5d) {
      this.pos++;
      return;
    }
    for (;;) {
      this.ws();
      onItem();
      this.ws();
      const c = this.b[this.pos];
      this.pos++;
      if (c === 0x2c) continue;
      if (c === 0x5d) return;
      this.pos--;
      this.fail('expected , or ]');
    }
  }

  /** The end (exclusive, at the closing quote) of the string starting at `pos`, which is past its opening quote. */
  private stringEnd(from: number): number {
    const b = this.b;
    let p = from;
    for (;;) {
      const q = b.indexOf(QUOTE, p);
      if (q < 0) {
        this.pos = b.length;
        this.fail('unterminated string');
      }
      let slashes = 0;
      while (q - 1 - slashes >= from && b[q - 1 - slashes] === BACKSLASH) slashes++;
      if (slashes % 2 === 0) return q;
      p = q + 1;
    }
  }

  /** A string value, decoded (escapes included). */
  string(): string {
    if (this.b[this.pos] !== QUOTE) this.fail('expected a string');
    const start = this.pos + 1;
    const end = this.stringEnd(start);
    this.pos = end + 1;
    const i = this.backslashAtOrAfter(start);
    if (i < 0 || i >= end) return this.b.toString('utf8', start, end);
    try {
      return JSON.parse(this.b.toString('utf8', start - 1, end + 1)) as string;
    } catch {
      this.pos = start;
      return this.fail('invalid escape in a string');
    }
  }

  /** A string value, the same string instance as an earlier one with the same bytes when there is one. */
  internedString(): string {
    const start = this.pos + 1;
    const end = this.stringEnd(start);
    const i = this.backslashAtOrAfter(start);
    if (i >= 0 && i < end) return this.string();
    this.pos = end + 1;
    return this.interner.intern(this.b.subarray(start, end));
  }

  /** Any value as JSON.parse would give it (used for the few small fields that are kept). */
  decodeValue(): unknown {
    if (this.b[this.pos] === QUOTE) return this.string();
    const start = this.pos;
    this.skipValue(0);
    try {
      return JSON.parse(this.b.toString('utf8', start, this.pos));
    } catch {
      this.pos = start;
      return this.fail('invalid value');
    }
  }

  skipValue(depth: number): void {
    if (depth > MAX_DEPTH) this.fail('nesting too deep');
    const b = this.b;
    const c = b[this.pos];
    if (c === QUOTE) {
      this.pos = this.stringEnd(this.pos + 1) + 1;
    } else if (c === 0x7b) {
      this.object(() => this.skipValue(depth + 1));
    } else if (c === 0x5b) {
      this.array(() => this.skipValue(depth + 1));
    } else if (c === 0x74 /* t */) {
      this.literal('true');
    } else if (c === 0x66 /* f */) {
      this.literal('false');
    } else if (c === 0x6e /* n */) {
      this.literal('null');
    } else if (c === 0x2d || (c !== undefined && c >= 0x30 && c <= 0x39)) {
      const start = this.pos;
      let p = start;
      for (;;) {
        const d = b[p];
        if (
          d === undefined ||
          !((d >= 0x30 && d <= 0x39) || d === 0x2d || d === 0x2b || d === 0x2e || d === 0x65 || d === 0x45)
        )
          break;
        p++;
      }
      if (!NUMBER.test(b.toString('latin1', start, p))) this.fail('invalid number');
      this.pos = p;
    } else {
      this.fail('expected a JSON value');
    }
  }

  private literal(word: string): void {
    if (this.b.toString('latin1', this.pos, this.pos + word.length) !== word) this.fail('invalid literal');
    this.pos += word.length;
  }
}
