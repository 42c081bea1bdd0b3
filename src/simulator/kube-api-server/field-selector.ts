import { KubeStatusError, kubeStatus } from './kube-status.js';
import { selectableField } from './selectable-fields.js';

type Json = Record<string, unknown>;

export interface FieldRequirement {
  field: string;
  op: '=' | '!=';
  value: string;
}

/**
 * Parses `fieldSelector` like k8s.io/apimachinery/pkg/fields: comma-separated terms joined by AND,
 * operators `=`, `==`, `!=`, and backslash escapes for `\,` `\=` `\\` inside values.
 */
export function parseFieldSelector(selector: string): FieldRequirement[] {
  const out: FieldRequirement[] = [];
  for (const term of splitUnescaped(selector)) {
    if (term === '') continue;
    const m = /^(.*?)(!=|==|=)(.*)$/s.exec(term);
    if (!m || m[1] === undefined || m[3] === undefined) {
      throw new KubeStatusError(
        kubeStatus.badRequest(`invalid selector: '${selector}'; can't understand '${term}'`),
      );
    }
    out.push({ field: m[1], op: m[2] === '!=' ? '!=' : '=', value: unescape(m[3]) });
  }
  return out;
}

/**
 * Binds requirements to a kind; an unsupported field is the real server's 400 `field label not
 * supported: <field>` (raised before any object is looked at, as the conversion step does).
 */
export function fieldMatcher(kind: string, reqs: FieldRequirement[]): (obj: Json) => boolean {
  const bound = reqs.map((r) => {
    const get = selectableField(kind, r.field);
    if (!get) throw new KubeStatusError(kubeStatus.badRequest(`field label not supported: ${r.field}`));
    return { get, r };
  });
  return (obj) => bound.every(({ get, r }) => (get(obj) === r.value) === (r.op === '='));
}

function splitUnescaped(s: string): string[] {
  const parts: string[] = [];
  let cur = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '\\' && i + 1 < s.length) {
      cur += c + s[i + 1];
      i++;
    } else if (c === ',') {
      parts.push(cur);
      cur = '';
    } else cur += c;
  }
  parts.push(cur);
  return parts;
}

function unescape(s: string): string {
  return s.replace(/\\(.)/g, '$1');
}
