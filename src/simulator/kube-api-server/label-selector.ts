import { KubeStatusError, kubeStatus } from './kube-status.js';

type Labels = Record<string, string>;

type Requirement =
  | { key: string; op: 'exists' | '!exists' }
  | { key: string; op: '=' | '!=' | 'in' | 'notin'; values: string[] }
  | { key: string; op: '<' | '>'; n: number };

const SPECIAL = new Set(['(', ')', ',', '!', '=', '<', '>']);
// Label keys: optional DNS-subdomain prefix and a 63-char name; values: 63 chars or empty.
const NAME = /^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$/;
const PREFIX = /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/;

/**
 * Parses `labelSelector` with the grammar of k8s.io/apimachinery/pkg/labels: `k=v`, `k==v`, `k!=v`,
 * `k in (a,b)`, `k notin (a,b)`, `k`, `!k`, `k>1`, `k<1`, comma-separated AND. Malformed input is a
 * 400, as a real server refuses it instead of listing everything.
 */
export function parseLabelSelector(selector: string): (labels: Labels) => boolean {
  const reqs = new Parser(selector).parse();
  return (labels) => reqs.every((r) => matches(r, labels));
}

function matches(r: Requirement, labels: Labels): boolean {
  const has = Object.hasOwn(labels, r.key);
  const v = labels[r.key];
  switch (r.op) {
    case 'exists':
      return has;
    case '!exists':
      return !has;
    case '=':
    case 'in':
      return has && r.values.includes(v ?? '');
    case '!=':
    case 'notin':
      return !has || !r.values.includes(v ?? '');
    case '<':
    case '>': {
      const n = Number(v);
      return has && Number.isInteger(n) && (r.op === '<' ? n < r.n : n > r.n);
    }
  }
}

class Parser {
  private readonly tokens: string[];
  private i = 0;

  constructor(private readonly text: string) {
    this.tokens = tokenize(text);
  }

  parse(): Requirement[] {
    const out: Requirement[] = [];
    if (this.tokens.length === 0) return out;
    for (;;) {
      out.push(this.requirement());
      const t = this.next();
      if (t === undefined) return out;
      if (t !== ',') this.fail(`found '${t}', expected: ',' or 'end of string'`);
    }
  }

  private requirement(): Requirement {
    if (this.peek() === '!') {
      this.next();
      return { key: this.key(), op: '!exists' };
    }
    const key = this.key();
    const op = this.peek();
    if (op === undefined || op === ',') return { key, op: 'exists' };
    this.next();
    if (op === '=' || op === '==' || op === '!=') {
      const v = this.peek();
      const value = v === undefined || v === ',' ? '' : this.value(this.next());
      return { key, op: op === '!=' ? '!=' : '=', values: [value] };
    }
    if (op === 'in' || op === 'notin') return { key, op, values: this.valueSet() };
    if (op === '<' || op === '>') {
      const raw = this.next() ?? '';
      const n = Number(raw);
      if (!/^-?\d+$/.test(raw)) this.fail(`for 'Gt', 'Lt' operators, the value must be an integer`);
      return { key, op, n };
    }
    return this.fail(`found '${op}', expected: in, notin, =, ==, !=, gt, lt`);
  }

  private valueSet(): string[] {
    if (this.next() !== '(') this.fail(`found '${this.tokens[this.i - 1] ?? ''}', expected: '('`);
    const values: string[] = [];
    for (;;) {
      const t = this.next();
      if (t === ')') break;
      if (t === ',') continue;
      if (t === undefined || SPECIAL.has(t))
        this.fail(`found '${t ?? ''}', expected: ',', ')' or identifier`);
      values.push(this.value(t));
    }
    if (values.length === 0) this.fail(`for 'in', 'notin' operators, values set can't be empty`);
    return values;
  }

  private key(): string {
    const t = this.next();
    if (t === undefined || SPECIAL.has(t) || t.length > 316)
      this.fail(`found '${t ?? ''}', expected: identifier`);
    const slash = t.indexOf('/');
    const [prefix, name] = slash >= 0 ? [t.slice(0, slash), t.slice(slash + 1)] : [undefined, t];
    if (
      (prefix !== undefined && !PREFIX.test(prefix)) ||
      name === '' ||
      name.length > 63 ||
      !NAME.test(name)
    ) {
      this.fail(`invalid label key "${t}"`);
    }
    return t;
  }

  private value(t: string | undefined): string {
    if (t === undefined || SPECIAL.has(t) || t.length > 63 || !NAME.test(t)) {
      this.fail(`invalid label value: "${t ?? ''}"`);
    }
    return t;
  }

  private peek() {
    return this.tokens[this.i];
  }
  private next() {
    return this.tokens[this.i++];
  }
  private fail(detail: string): never {
    throw new KubeStatusError(
      kubeStatus.badRequest(`unable to parse requirement: ${detail} (selector "${this.text}")`),
    );
  }
}

function tokenize(s: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < s.length) {
    const c = s[i] ?? '';
    if (/\s/.test(c)) {
      i++;
    } else if (c === '=' || c === '!') {
      const two = s.slice(i, i + 2);
      const tok = two === '==' || two === '!=' ? two : c;
      out.push(tok);
      i += tok.length;
    } else if (SPECIAL.has(c)) {
      out.push(c);
      i++;
    } else {
      let j = i;
      while (j < s.length && !/\s/.test(s[j] ?? '') && !SPECIAL.has(s[j] ?? '')) j++;
      out.push(s.slice(i, j));
      i = j;
    }
  }
  return out;
}
