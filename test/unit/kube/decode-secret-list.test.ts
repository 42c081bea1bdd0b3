import { describe, expect, it } from 'vitest';
import {
  peekContinue,
  DataInterner,
  decodeSecretList,
  type DecodedSecretList,
} from '../../../src/kube/decode-secret-list.js';
import { isCertificateDataKey } from '../../../src/checks/certificates/certificate-reader.js';

const decode = (text: string, interner?: DataInterner) =>
  decodeSecretList(Buffer.from(text, 'utf8'), isCertificateDataKey, interner) as DecodedSecretList;

const secret = (ns: string, name: string, data: Record<string, unknown>) => ({
  metadata: {
    namespace: ns,
    name,
    uid: `uid-${name}`,
    resourceVersion: '7',
    annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{"a":"b \\" c","d":[1,2.5e3,-0.1]}' },
    managedFields: [{ fieldsV1: { 'f:data': { '.': {}, 'f:tls.key': {} } }, manager: 'x', time: null }],
    labels: { app: 'web' },
  },
  type: 'kubernetes.io/tls',
  immutable: false,
  data,
});

describe('decodeSecretList', () => {
  it('keeps names, the continue token and the certificate keys, and drops the private key', () => {
    const body = {
      kind: 'SecretList',
      apiVersion: 'v1',
      metadata: { resourceVersion: '9', continue: 'tok-1', remainingItemCount: 3 },
      items: [
        secret('web', 'a', {
          'tls.crt': 'Y2VydA==',
          'tls.key': 'a2V5',
          'ca.crt': 'Y2E=',
          'keystore.p12': 'cDEy',
        }),
        secret('db', 'b', {}),
      ],
    };
    const page = decode(JSON.stringify(body));
    expect(page).toEqual({
      kind: 'SecretList',
      metadata: { continue: 'tok-1' },
      items: [
        {
          metadata: { namespace: 'web', name: 'a', uid: 'uid-a', resourceVersion: '7' },
          data: { 'tls.crt': 'Y2VydA==', 'ca.crt': 'Y2E=', 'keystore.p12': 'cDEy' },
        },
        { metadata: { namespace: 'db', name: 'b', uid: 'uid-b', resourceVersion: '7' }, data: {} },
      ],
    });
    expect(JSON.stringify(page)).not.toContain('a2V5');
  });

  it('agrees with JSON.parse on escapes, unicode and whitespace in kept fields', () => {
    const text =
      '\n{ "items" : [ { "metadata" : { "name" : "we\\"ird\\u00e9", "namespace": "n\\\\s" } ,' +
      ' "data" : { "tls.crt" : "a\\/b" } } ] , "metadata" : { "continue" : "\\u0074ok" } }\r\n';
    const parsed = JSON.parse(text) as {
      items: { metadata: { name: string; namespace: string }; data: Record<string, string> }[];
    };
    const page = decode(text);
    expect(page.items?.[0]?.metadata?.name).toBe(parsed.items[0]?.metadata.name);
    expect(page.items?.[0]?.metadata?.namespace).toBe('n\\s');
    expect(page.items?.[0]?.data).toEqual({ 'tls.crt': 'a/b' });
    expect(page.metadata?.continue).toBe('tok');
  });

  it('keeps values of the wrong type as JSON, so that the reader can name them', () => {
    const page = decode(
      JSON.stringify({
        items: [
          { metadata: { name: 7, namespace: ['x'] }, data: { 'tls.crt': 12345, 'tls.key': { a: 1 } } },
          { metadata: 'odd', data: 'not a map' },
          null,
          42,
        ],
        metadata: { continue: 5 },
      }),
    );
    expect(page.items).toEqual([
      { metadata: { name: 7, namespace: ['x'] }, data: { 'tls.crt': 12345 } },
      { metadata: 'odd', data: 'not a map' },
      null,
      42,
    ]);
    expect(page.metadata?.continue).toBe(5);
  });

  it('leaves `items` out when it is not a list, and decodes a non-object body as JSON.parse does', () => {
    expect(decode('{"kind":"Status","items":{"a":1}}')).toEqual({ kind: 'Status' });
    expect(decode(' [1,2]')).toEqual([1, 2]);
    expect(decode('null')).toBeNull();
  });

  it.each([
    ['HTML', '<html>session=abc123</html>'],
    ['a cut-off body', '{"items":[{"metadata":{"name":"a"},"data":{"tls.crt":"Y2Vy'],
    ['a cut-off object', '{"items":[{"metadata":{"name":"a"}'],
    ['a missing comma', '{"items":[] "metadata":{}}'],
    ['trailing garbage', '{"items":[]} session=abc123'],
    ['a bad literal', '{"items":[{"immutable":tru}]}'],
    ['a bad number', '{"items":[{"x":01}]}'],
    ['a bare word', '{"items":[{"x":session}]}'],
    ['an unquoted key', '{items:[]}'],
    ['a bad escape in a kept field', '{"items":[{"metadata":{"name":"a\\qb"}}]}'],
  ])('rejects %s with a SyntaxError that does not quote the body', (_what, text) => {
    let caught: unknown;
    try {
      decode(text);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(SyntaxError);
    expect(String((caught as Error).message)).not.toMatch(/session|abc123|Y2Vy/);
  });

  it('rejects nesting deeper than any Secret has, instead of overflowing the stack', () => {
    const deep = `{"items":[{"metadata":{"annotations":${'['.repeat(5000)}${']'.repeat(5000)}}}]}`;
    expect(() => decode(deep)).toThrow(SyntaxError);
  });

  it('hands out one string instance for repeated certificate data, and equal bytes only', () => {
    const interner = new DataInterner();
    const crt = Buffer.from('x'.repeat(3000)).toString('base64');
    const other = `${crt.slice(0, 100)}A${crt.slice(101)}`; // same length, same middle, different bytes
    const body = JSON.stringify({
      items: [
        secret('a', 's1', { 'tls.crt': crt }),
        secret('b', 's2', { 'tls.crt': crt }),
        secret('c', 's3', { 'tls.crt': other }),
      ],
    });
    const first = decode(body, interner).items ?? [];
    const second = decode(body, interner).items ?? [];
    const values = [...first, ...second].map((s) => (s.data as Record<string, string>)['tls.crt']);
    expect(values).toEqual([crt, crt, other, crt, crt, other]);
    expect(values[3]).toBe(values[0]);
  });
});

describe('peekContinue', () => {
  const body = JSON.stringify({
    kind: 'SecretList',
    apiVersion: 'v1',
    metadata: { resourceVersion: '12', continue: 'eyJydiI6MTJ9' },
    items: [{ metadata: { name: 'a' }, data: { 'tls.key': 'c2VjcmV0' } }],
  });

  it('reads the next token from the head of a list body, before the items arrive', () => {
    const head = body.slice(0, body.indexOf('"items"') + 3);
    expect(peekContinue(Buffer.from(head))).toBe('eyJydiI6MTJ9');
    expect(peekContinue(Buffer.from(body))).toBe('eyJydiI6MTJ9');
  });

  it('asks for more bytes while the metadata is cut off', () => {
    for (const cut of [0, 5, body.indexOf('metadata'), body.indexOf('eyJ') + 3]) {
      expect(peekContinue(Buffer.from(body.slice(0, cut)))).toBe('more');
    }
  });

  it('names no token for the last page, items before metadata, or a token that is not a string', () => {
    expect(
      peekContinue(Buffer.from('{"kind":"SecretList","metadata":{"resourceVersion":"1"},"items":[')),
    ).toBe(undefined);
    expect(peekContinue(Buffer.from('{"items":[],"metadata":{"continue":"t"}}'))).toBe(undefined);
    expect(peekContinue(Buffer.from('{"metadata":{"continue":7},"items":[]}'))).toBe(undefined);
    expect(peekContinue(Buffer.from('[1,2]'))).toBe(undefined);
  });
});
