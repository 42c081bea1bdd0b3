import fc from 'fast-check';

/**
 * Structural mutations of a parsed YAML or JSON document: a few values anywhere replaced by hostile
 * ones, or removed. Byte mutations mostly break the syntax; these reach the validation behind it.
 */
type Path = (string | number)[];

/** Every path into a JSON-like document, the root included. */
export function documentPaths(doc: unknown, at: Path = []): Path[] {
  const out = [at];
  if (Array.isArray(doc)) doc.forEach((v, i) => out.push(...documentPaths(v, [...at, i])));
  else if (doc && typeof doc === 'object')
    for (const [k, v] of Object.entries(doc)) out.push(...documentPaths(v, [...at, k]));
  return out;
}

export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(
    null,
    undefined,
    0,
    -1,
    1e308,
    Number.NaN,
    '',
    ' ',
    'prod',
    '__proto__',
    '../../etc/passwd',
    true,
  ),
  fc.constantFrom(
    JSON.parse('{"__proto__":{"polluted":1}}') as unknown,
    [[[[[]]]]],
    {},
    [],
    'a'.repeat(5000),
  ),
  fc.string({ maxLength: 40 }),
  fc.integer(),
  fc.double(),
  fc.jsonValue({ maxDepth: 3 }),
);

function editAt(doc: unknown, path: Path, value: unknown, remove: boolean): unknown {
  if (path.length === 0) return value;
  const copy: unknown = structuredClone(doc);
  let node = copy as Record<string | number, unknown>;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  if (node === null || typeof node !== 'object') return copy;
  const last = path[path.length - 1]!;
  if (remove) delete node[last];
  else node[last] = value;
  return copy;
}

/** `doc` with one to three edits applied (an edit under a path an earlier one removed is skipped). */
export function editedDocument(doc: unknown): fc.Arbitrary<unknown> {
  const edit = fc.record({
    path: fc.constantFrom(...documentPaths(doc)),
    value: hostileValue,
    remove: fc.boolean(),
  });
  return fc.array(edit, { minLength: 1, maxLength: 3 }).map((edits) => {
    let out = doc;
    for (const e of edits) {
      try {
        out = editAt(out, e.path, e.value, e.remove);
      } catch {
        // An earlier edit removed the path's parent.
      }
    }
    return out;
  });
}
