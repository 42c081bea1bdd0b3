import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { chartDir, renderChart, renderError, runHelm } from './render-chart.js';

/* values.schema.json, as helm applies it: a wrong value stops `helm template` (and so install). */

const schemaError = /values don't meet the specifications of the schema/;

describe('values.schema.json', () => {
  it('accepts values.yaml itself', () => {
    const values = parse(readFileSync(join(chartDir, 'values.yaml'), 'utf8')) as object;
    expect(renderChart(values).length).toBeGreaterThan(0);
  });

  it.each([
    ['a bad rbac.mode', { rbac: { mode: 'readEverything' } }, "at '/rbac/mode'"],
    ['a containerPort above 65535', { containerPort: 70000 }, "at '/containerPort'"],
    ['a containerPort as a string', { containerPort: '3000' }, "at '/containerPort'"],
    ['a service.port of 0', { service: { port: 0 } }, "at '/service/port'"],
    [
      'rbac.namespaces that is not a list',
      { rbac: { mode: 'namespaced', namespaces: 'apps' } },
      "at '/rbac/namespaces'",
    ],
    ['rbac.mode=namespaced without namespaces', { rbac: { mode: 'namespaced' } }, "at '/rbac/namespaces'"],
    [
      'rbac.namespaces with another mode',
      { rbac: { mode: 'full', namespaces: ['apps'] } },
      "at '/rbac/namespaces'",
    ],
    [
      'a namespace that is not a DNS label',
      { rbac: { mode: 'namespaced', namespaces: ['Apps_1'] } },
      "at '/rbac/namespaces/0'",
    ],
    ['a misspelt key', { rbac: { mod: 'full' } }, "'mod' not allowed"],
    ['an unknown top-level key', { replicas: 3 }, "'replicas' not allowed"],
    ['a bad Teams app type', { teams: { existingSecret: 't', appType: 'Multi' } }, "at '/teams/appType'"],
    [
      'a Slack app token that is not xapp-',
      { slack: { createSecret: true, appToken: 'xoxb-1' } },
      "at '/slack/appToken'",
    ],
    ['a Redis URL that is not redis://', { redis: { url: 'http://redis:6379' } }, "at '/redis/url'"],
    ['a bad log level', { logLevel: 'verbose' }, "at '/logLevel'"],
  ])('fails helm template on %s', (_what, values, where) => {
    const message = renderError(values);
    expect(message).toMatch(schemaError);
    expect(message).toContain(where);
  });

  it('fails helm install as well, before anything is sent to a cluster', () => {
    const run = runHelm(['install', 'vigil', chartDir, '--dry-run=client', '--namespace', 'vigil'], {
      rbac: { mode: 'everything' },
    });
    expect(run.ok).toBe(false);
    expect(run.stderr).toMatch(schemaError);
  });
});

describe('values the templates use', () => {
  // helm renders a value nobody declared as empty, without a word: a misspelt `.Values.x` in a
  // template shows in no render. Every path the templates read must be a property of the schema
  // and values.yaml.
  type Schema = { properties?: Record<string, Schema>; $ref?: string; additionalProperties?: unknown };
  const schema = JSON.parse(readFileSync(join(chartDir, 'values.schema.json'), 'utf8')) as Schema & {
    definitions: Record<string, Schema>;
  };
  const resolve = (s: Schema): Schema =>
    s.$ref ? (schema.definitions[s.$ref.split('/').pop() ?? ''] ?? s) : s;
  const declared = (path: string[]): boolean => {
    let node: Schema = schema;
    for (const key of path) {
      const next = resolve(node).properties?.[key];
      // Below an open object (config is vigil.yaml; resources etc. are Kubernetes types) anything goes.
      if (!next) return resolve(node).additionalProperties !== false;
      node = next;
    }
    return true;
  };

  it('are each declared in values.schema.json and values.yaml', () => {
    const values = parse(readFileSync(join(chartDir, 'values.yaml'), 'utf8')) as Record<string, unknown>;
    const templatesDir = join(chartDir, 'templates');
    const undeclared: string[] = [];
    for (const name of readdirSync(templatesDir)) {
      const text = readFileSync(join(templatesDir, name), 'utf8');
      for (const m of text.matchAll(/\.Values((?:\.[A-Za-z_]\w*)+)/g)) {
        const path = (m[1] as string).slice(1).split('.');
        const inValues =
          path[0] === 'config' ||
          path.reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], values) !==
            undefined;
        if (!declared(path) || !inValues) undeclared.push(`${name}: .Values.${path.join('.')}`);
      }
    }
    expect(undeclared).toEqual([]);
  });

  it('catches a misspelt one', () => {
    expect(declared(['service', 'typo'])).toBe(false);
    expect(declared(['rbac', 'mode'])).toBe(true);
    expect(declared(['config', 'alerts', 'routes'])).toBe(true);
  });
});
