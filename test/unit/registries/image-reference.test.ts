import { describe, expect, it } from 'vitest';
import {
  normaliseRegistryHost,
  parseImageReference,
  splitRegistryHost,
} from '../../../src/checks/registries/image-reference.js';

const digest = `sha256:${'a'.repeat(64)}`;

/** Golden cases from distribution/reference normalize_test.go and the list. */
describe('parseImageReference (distribution/reference rules)', () => {
  const golden: [string, Record<string, unknown>][] = [
    [
      'nginx',
      {
        registry: 'docker.io',
        repository: 'library/nginx',
        reference: 'latest',
        name: 'docker.io/library/nginx',
      },
    ],
    ['docker.io/nginx', { registry: 'docker.io', repository: 'library/nginx', reference: 'latest' }],
    ['index.docker.io/nginx:1.25', { registry: 'docker.io', repository: 'library/nginx', tag: '1.25' }],
    [
      'bitnami/redis:7.2',
      { registry: 'docker.io', repository: 'bitnami/redis', tag: '7.2', reference: '7.2' },
    ],
    ['localhost:5000/a', { registry: 'localhost:5000', repository: 'a', reference: 'latest' }],
    ['localhost/a', { registry: 'localhost', repository: 'a' }],
    // No `/`: a single name is a Docker Hub image, so `5000` is its tag, not a port.
    ['myreg:5000', { registry: 'docker.io', repository: 'library/myreg', tag: '5000' }],
    ['myreg:5000/team/app:1', { registry: 'myreg:5000', repository: 'team/app', tag: '1' }],
    ['[::1]:5000/x', { registry: '[::1]:5000', domain: '[::1]:5000', repository: 'x', reference: 'latest' }],
    [`img@${digest}`, { registry: 'docker.io', repository: 'library/img', digest, reference: digest }],
    [
      `ghcr.io/org/app:v1@${digest}`,
      { registry: 'ghcr.io', repository: 'org/app', tag: 'v1', digest, reference: digest },
    ],
    // Upper case is allowed in the domain (and marks it as one); DNS ignores case, so the key is lower.
    [
      'Registry.Example.COM/team/app',
      { domain: 'Registry.Example.COM', registry: 'registry.example.com', repository: 'team/app' },
    ],
    ['Foo/bar', { domain: 'Foo', registry: 'foo', repository: 'bar' }],
    [
      '123456789012.dkr.ecr.eu-west-1.amazonaws.com/api:2',
      { registry: '123456789012.dkr.ecr.eu-west-1.amazonaws.com', repository: 'api' },
    ],
  ];
  it.each(golden)('%s', (input, expected) => {
    const r = parseImageReference(input);
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.image).toMatchObject(expected);
  });

  it.each([
    ['NGINX', /repository name "library\/NGINX" must be lowercase/],
    ['docker.io/Library/nginx', /must be lowercase/],
    ['myreg:5000/App', /must be lowercase/],
    ['a'.repeat(64), /64-character hex/],
    ['', /empty/],
    ['nginx:', /invalid reference format/],
    ['nginx@sha256:abc', /invalid reference format/],
    ['-bad/name', /invalid reference format/],
  ])('rejects %s like the kubelet does', (input, error) => {
    const r = parseImageReference(input);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(error);
  });
});

describe('registry host helpers', () => {
  it('normalises config hosts to the keys images produce', () => {
    expect(normaliseRegistryHost('index.docker.io')).toBe('docker.io');
    expect(normaliseRegistryHost('registry-1.docker.io')).toBe('docker.io');
    expect(normaliseRegistryHost('MyReg:5000')).toBe('myreg:5000');
  });
  it('splits host and port, IPv6 without brackets', () => {
    expect(splitRegistryHost('[::1]:5000')).toEqual({ host: '::1', port: 5000 });
    expect(splitRegistryHost('ghcr.io')).toEqual({ host: 'ghcr.io' });
    expect(splitRegistryHost('myreg:5000')).toEqual({ host: 'myreg', port: 5000 });
  });
});
