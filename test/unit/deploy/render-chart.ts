import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { helmBinary } from '../../support/helm-binary.js';
import { repoRoot } from './app-env.js';

export const chartDir = join(repoRoot, 'deploy/helm/vigil');

/** One rendered Kubernetes object, as much of it as the tests address by name. */
export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  [field: string]: unknown;
}

export interface HelmRun {
  ok: boolean;
  stdout: string;
  stderr: string;
}

export interface RenderOptions {
  release?: string;
  namespace?: string;
}

// Helm's cache, config and data homes point here, never at the user's ~/.config/helm.
const scratch = mkdtempSync(join(tmpdir(), 'vigil-helm-'));
let valuesFiles = 0;

/** Runs helm with a values file holding `values` (JSON is YAML), in the scratch homes. */
export function runHelm(args: readonly string[], values: object = {}): HelmRun {
  const valuesFile = join(scratch, `values-${process.pid}-${valuesFiles++}.json`);
  writeFileSync(valuesFile, JSON.stringify(values));
  const result = spawnSync(helmBinary(), [...args, '--values', valuesFile], {
    encoding: 'utf8',
    env: {
      PATH: process.env.PATH ?? '',
      HOME: scratch,
      HELM_CACHE_HOME: join(scratch, 'cache'),
      HELM_CONFIG_HOME: join(scratch, 'config'),
      HELM_DATA_HOME: join(scratch, 'data'),
    },
    timeout: 60_000,
  });
  if (result.error) throw result.error;
  return { ok: result.status === 0, stdout: result.stdout, stderr: result.stderr };
}

const rendered = new Map<string, K8sObject[]>();

/**
 * `helm template` of the chart with these values (release vigil in namespace vigil by default), as
 * objects; throws with helm's message when rendering fails. Cached per values within a test file.
 */
export function renderChart(values: object = {}, options: RenderOptions = {}): K8sObject[] {
  const { release = 'vigil', namespace = 'vigil' } = options;
  const key = JSON.stringify([values, release, namespace]);
  const cached = rendered.get(key);
  if (cached) return cached;
  const run = runHelm(['template', release, chartDir, '--namespace', namespace], values);
  if (!run.ok) throw new Error(`helm template failed: ${run.stderr}`);
  const objects = parseAllDocuments(run.stdout)
    .map((doc) => {
      if (doc.errors.length > 0)
        throw new Error(`helm template rendered invalid YAML: ${doc.errors[0]?.message}`);
      return doc.toJS() as K8sObject | null;
    })
    .filter((o): o is K8sObject => o !== null);
  rendered.set(key, objects);
  return objects;
}

/** helm's error message for values that must not render; throws when they do render. */
export function renderError(values: object): string {
  const run = runHelm(['template', 'vigil', chartDir, '--namespace', 'vigil'], values);
  if (run.ok) throw new Error(`expected helm template to fail for ${JSON.stringify(values)}`);
  return run.stderr;
}

/** `helm lint --strict` of the chart with these values. */
export function lintChart(values: object = {}): HelmRun {
  return runHelm(['lint', '--strict', chartDir], values);
}

export function only(objects: readonly K8sObject[], kind: string, name?: string): K8sObject {
  const found = objects.filter((o) => o.kind === kind && (name === undefined || o.metadata.name === name));
  if (found.length !== 1)
    throw new Error(`expected one ${kind}${name ? ` ${name}` : ''}, found ${found.length}`);
  return found[0] as K8sObject;
}

/** The vigil container of the rendered Deployment. */
export function vigilContainer(objects: readonly K8sObject[]): Record<string, unknown> & { env: EnvVar[] } {
  const spec = only(objects, 'Deployment').spec as { template: { spec: { containers: { name: string }[] } } };
  const container = spec.template.spec.containers.find((c) => c.name === 'vigil');
  if (!container) throw new Error('no vigil container in the Deployment');
  return container as unknown as Record<string, unknown> & { env: EnvVar[] };
}

export interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: { secretKeyRef?: { name: string; key: string; optional?: boolean } };
}

export function envOf(objects: readonly K8sObject[]): Map<string, EnvVar> {
  return new Map(vigilContainer(objects).env.map((e) => [e.name, e]));
}
