import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/config/load-config.js';
import { envVarsReadByApp, notSetByDeployments, readRepoFile, repoRoot } from './app-env.js';

/*
 * No helm binary here (neither Debian nor npm ship one cleanly), so the chart is checked statically:
 * plain-YAML files parse, the values' config passes vigil's own schema, every env var the app reads is
 * wired, and the templates reference only values, helpers and files that exist. The plain manifests
 * in deploy/manifests are real YAML and are checked as objects.
 */

const chartDir = 'deploy/helm/vigil';
const templatesDir = `${chartDir}/templates`;

type Json = Record<string, unknown>;
const values = parse(readRepoFile(`${chartDir}/values.yaml`)) as Json;
const chart = parse(readRepoFile(`${chartDir}/Chart.yaml`)) as Json;
const templateNames = readdirSync(join(repoRoot, templatesDir)).sort();
const templates = new Map(templateNames.map((n) => [n, readRepoFile(`${templatesDir}/${n}`)]));
const template = (name: string) => templates.get(name) ?? '';
const appEnv = envVarsReadByApp();
const wantedEnv = [...appEnv.keys()].filter((v) => !(v in notSetByDeployments)).sort();

function at(obj: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((o, k) => (o as Json | undefined)?.[k], obj);
}

describe('Helm chart: plain YAML files', () => {
  it('Chart.yaml is a v2 application chart whose appVersion is package.json version', () => {
    const pkg = JSON.parse(readRepoFile('package.json')) as { version: string };
    expect(chart).toMatchObject({ apiVersion: 'v2', name: 'vigil', type: 'application' });
    expect(chart['appVersion']).toBe(pkg.version);
    expect(String(chart['version'])).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('files/ parse as YAML', () => {
    for (const name of readdirSync(join(repoRoot, chartDir, 'files'))) {
      const doc = parseAllDocuments(readRepoFile(`${chartDir}/files/${name}`));
      for (const d of doc) expect(d.errors, name).toEqual([]);
    }
  });

  it("values.yaml's config block passes vigil's config schema, with the pod's own cluster", () => {
    const config = parseConfig(values['config'], `${chartDir}/values.yaml`, '/etc/vigil');
    expect(config.clusters).toEqual([expect.objectContaining({ inCluster: true })]);
  });

  it('keeps secrets out of values by default', () => {
    expect(at(values, 'slack.createSecret')).toBe(false);
    expect(at(values, 'slack.botToken')).toBe('');
    expect(at(values, 'slack.signingSecret')).toBe('');
    expect(at(values, 'slack.existingSecret')).toBeTruthy();
  });

  it('runs two replicas behind a PodDisruptionBudget, hardened and probed', () => {
    expect(values['replicaCount']).toBe(2);
    expect(at(values, 'podDisruptionBudget.enabled')).toBe(true);
    expect(values['podSecurityContext']).toMatchObject({
      runAsNonRoot: true,
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(values['securityContext']).toMatchObject({
      runAsNonRoot: true,
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(values['containerPort']).toBe(3000);
    expect(at(values, 'livenessProbe.httpGet')).toEqual({ path: '/healthz', port: 'http' });
    expect(at(values, 'startupProbe.httpGet')).toEqual({ path: '/healthz', port: 'http' });
    expect(at(values, 'readinessProbe.httpGet')).toEqual({ path: '/readyz', port: 'http' });
    expect(at(values, 'service.port')).toBe(80);
  });

  it('exposes only /slack/events through the optional Ingress, on the host the Slack manifest names', () => {
    expect(at(values, 'ingress.enabled')).toBe(false);
    expect(at(values, 'ingress.paths')).toEqual(['/slack/events']);
    const manifest = parse(readRepoFile('deploy/slack/manifest.yaml')) as Json;
    const urls = [
      at(manifest, 'settings.interactivity.request_url'),
      ...(at(manifest, 'features.slash_commands') as Json[]).map((c) => c['url']),
    ];
    for (const url of urls) expect(url).toBe(`https://${String(at(values, 'ingress.host'))}/slack/events`);
    expect(template('NOTES.txt')).toContain('https://{{ .Values.ingress.host }}/slack/events');
  });
});

describe('Helm chart: templates', () => {
  it('wire every environment variable the app reads into the Deployment', () => {
    expect(wantedEnv).toEqual(expect.arrayContaining(['REDIS_URL', 'SLACK_BOT_TOKEN', 'PORT']));
    const deployment = template('deployment.yaml');
    const missing = wantedEnv.filter((v) => !new RegExp(`- name: ${v}\\n`).test(deployment));
    expect(missing, `read by ${missing.map((v) => appEnv.get(v)?.join(', ')).join('; ')}`).toEqual([]);
  });

  it('take the Slack secrets from a Secret, never from a plain value', () => {
    const deployment = template('deployment.yaml');
    for (const v of ['SLACK_BOT_TOKEN', 'SLACK_SIGNING_SECRET']) {
      expect(deployment).toMatch(new RegExp(`- name: ${v}\\n\\s+valueFrom:\\n\\s+secretKeyRef:`));
    }
  });

  it('run `vigil serve` with the config the ConfigMap renders, on the probed port', () => {
    const deployment = template('deployment.yaml');
    expect(deployment).toContain('args: [serve, --config, /etc/vigil/vigil.yaml]');
    expect(deployment).toContain('mountPath: /etc/vigil');
    expect(deployment).toContain('containerPort: {{ .Values.containerPort }}');
    expect(deployment).toMatch(/- name: PORT\n\s+value: \{\{ \.Values\.containerPort \| quote \}\}/);
    expect(template('configmap.yaml')).toMatch(
      /vigil\.yaml: \|\n\s+\{\{- toYaml \.Values\.config \| nindent 4 \}\}/,
    );
  });

  it('reference only values that values.yaml declares', () => {
    const unknown: string[] = [];
    for (const [name, text] of templates) {
      for (const m of text.matchAll(/\.Values((?:\.[A-Za-z_]\w*)+)/g)) {
        const path = (m[1] as string).slice(1);
        // `config` is vigil.yaml itself: any key of it may be absent.
        const declared = path.startsWith('config.') ? 'config' : path;
        if (at(values, declared) === undefined) unknown.push(`${name}: .Values.${path}`);
      }
    }
    expect(unknown).toEqual([]);
  });

  it('include only helpers that _helpers.tpl defines, and only files that exist', () => {
    const defined = new Set([...template('_helpers.tpl').matchAll(/define "([^"]+)"/g)].map((m) => m[1]));
    const files = new Set(readdirSync(join(repoRoot, chartDir, 'files')).map((f) => `files/${f}`));
    for (const [name, text] of templates) {
      for (const m of text.matchAll(/(?:include|template) "([^"]+)"/g)) expect(defined, name).toContain(m[1]);
      for (const m of text.matchAll(/\.Files\.Get "([^"]+)"/g)) expect(files, name).toContain(m[1]);
    }
  });

  it('balance every if/with/range/define with an end', () => {
    for (const [name, text] of templates) {
      const actions = [...text.matchAll(/\{\{-?\s*(\w+)/g)].map((m) => m[1]);
      const opened = actions.filter((a) =>
        ['if', 'with', 'range', 'define', 'block'].includes(a ?? ''),
      ).length;
      const closed = actions.filter((a) => a === 'end').length;
      expect(closed, name).toBe(opened);
      expect(text.split('{{').length, `${name}: unbalanced braces`).toBe(text.split('}}').length);
    }
  });

  it('render the ServiceAccount, ClusterRole, binding, Service, PodDisruptionBudget, Ingress and NetworkPolicy', () => {
    const kinds = [...templates.values()].flatMap((t) => [...t.matchAll(/^kind: (\w+)$/gm)].map((m) => m[1]));
    expect(kinds.sort()).toEqual(
      [
        'ClusterRole',
        'ClusterRoleBinding',
        'ConfigMap',
        'Deployment',
        'Ingress',
        'NetworkPolicy',
        'PodDisruptionBudget',
        'Secret',
        'Service',
        'ServiceAccount',
      ].sort(),
    );
  });
});

describe('plain manifests (deploy/manifests/vigil.yaml)', () => {
  const docs = parseAllDocuments(readRepoFile('deploy/manifests/vigil.yaml')).map((d) => d.toJS() as Json);
  const ofKind = (kind: string) => docs.find((d) => d['kind'] === kind) as Json;
  const container = at(ofKind('Deployment'), 'spec.template.spec.containers') as Json[];
  const vigil = container[0] as Json;

  it('parse, and vigil.yaml in the ConfigMap passes the config schema', () => {
    const text = (at(ofKind('ConfigMap'), 'data') as Json)['vigil.yaml'];
    expect(typeof text).toBe('string');
    const config = parseConfig(parse(text as string), 'deploy/manifests/vigil.yaml', '/etc/vigil');
    expect(config.clusters[0]?.inCluster).toBe(true);
  });

  it('wire every environment variable the app reads', () => {
    const names = (vigil['env'] as Json[]).map((e) => e['name']);
    // Teams is opt-in: the chart wires it when teams.existingSecret is set.
    const teams = (v: string) => v.startsWith('Microsoft');
    expect(wantedEnv.filter((v) => !teams(v) && !names.includes(v))).toEqual([]);
  });

  it('match the chart: probes, security context, args, and the RBAC ServiceAccount', () => {
    expect(vigil['args']).toEqual(['serve', '--config', '/etc/vigil/vigil.yaml']);
    for (const probe of ['startupProbe', 'livenessProbe', 'readinessProbe']) {
      expect(vigil[probe], probe).toEqual(values[probe]);
    }
    expect(vigil['securityContext']).toEqual(values['securityContext']);
    expect(vigil['resources']).toEqual(values['resources']);
    expect(at(ofKind('Deployment'), 'spec.template.spec.securityContext')).toEqual(
      values['podSecurityContext'],
    );
    const rbac = parseAllDocuments(readRepoFile('deploy/rbac/clusterrole.yaml')).map((d) => d.toJS() as Json);
    const sa = rbac.find((d) => d['kind'] === 'ServiceAccount') as Json;
    expect(at(ofKind('Deployment'), 'spec.template.spec.serviceAccountName')).toBe(at(sa, 'metadata.name'));
    for (const d of docs) expect(at(d, 'metadata.namespace')).toBe(at(sa, 'metadata.namespace'));
  });
});
