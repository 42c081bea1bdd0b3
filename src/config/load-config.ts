import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { parseDocument } from 'yaml';
import type { z } from 'zod';
import { ConfigError, type ConfigProblem } from '../domain/config-error.js';
import { configSchema, type VigilConfig } from './config-schema.js';
import { permissionsProblems } from './permissions-config.js';

export const defaultConfigPath = 'vigil.yaml';

export function formatKey(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out ? `.${String(p)}` : String(p);
  return out || '(top level)';
}

function problemsFrom(issues: readonly z.core.$ZodIssue[]): ConfigProblem[] {
  return issues.map((issue) => {
    if (issue.code === 'unrecognized_keys') {
      return {
        key: formatKey(issue.path),
        message: `unknown key(s) ${issue.keys.map((k) => `"${k}"`).join(', ')}; check the spelling against README.md "Configuration"`,
      };
    }
    if (issue.code === 'invalid_type' && issue.input === undefined) {
      return { key: formatKey(issue.path), message: `is required (expected ${issue.expected})` };
    }
    return { key: formatKey(issue.path), message: issue.message };
  });
}

/** Validates an already-parsed document; paths to kubeconfigs are resolved against `baseDir`. */
export function parseConfig(raw: unknown, file: string, baseDir: string): Readonly<VigilConfig> {
  const result = configSchema.safeParse(resolveCaFiles(raw, baseDir));
  // Checked beside the schema, not inside it: zod skips refinements once a field has failed, and
  // every problem must be reported in one pass.
  const problems = [...(result.success ? [] : problemsFrom(result.error.issues)), ...duplicateNames(raw)];
  if (result.success) problems.push(...crossReferenceProblems(result.data));
  if (!result.success || problems.length > 0) throw new ConfigError(file, problems);
  const cfg = result.data;
  for (const c of cfg.clusters) {
    if (c.kubeconfig && !isAbsolute(c.kubeconfig)) c.kubeconfig = resolve(baseDir, c.kubeconfig);
  }
  return deepFreeze(cfg);
}

/**
 * registries.caFiles are read while validating (a typo fails at start-up), so relative paths are
 * resolved against the config file's directory first, as kubeconfig paths are.
 */
function resolveCaFiles(raw: unknown, baseDir: string): unknown {
  const doc = (raw ?? {}) as { registries?: { caFiles?: unknown } };
  const files = doc.registries?.caFiles;
  if (!files || typeof files !== 'object' || Array.isArray(files)) return doc;
  const resolved = Object.fromEntries(
    Object.entries(files as Record<string, unknown>).map(([host, path]) => [
      host,
      typeof path === 'string' && path !== '' && !isAbsolute(path) ? resolve(baseDir, path) : path,
    ]),
  );
  return { ...doc, registries: { ...doc.registries, caFiles: resolved } };
}

/** Sections that name clusters must name configured ones: a typo there would silently open or drop access. */
function crossReferenceProblems(cfg: VigilConfig): ConfigProblem[] {
  const known = cfg.clusters.map((c) => c.name);
  const schedules = Object.keys(cfg.schedules.clusters)
    .filter((name) => !known.includes(name))
    .map((name) => ({
      key: `schedules.clusters.${name}`,
      message: `names no cluster in clusters[]; use one of ${known.map((n) => `"${n}"`).join(', ')}`,
    }));
  return [...permissionsProblems(cfg), ...schedules];
}

/** The only reader of the config file: returns a typed, frozen object or throws ConfigError listing every problem. */
export function loadConfig(path: string): Readonly<VigilConfig> {
  if (!existsSync(path)) {
    throw new ConfigError(path, [
      { key: path, message: 'file not found; create it (see vigil.example.yaml) or pass --config PATH' },
    ]);
  }
  const text = readFileSync(path, 'utf8');
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new ConfigError(
      path,
      doc.errors.map((e) => ({
        key: e.linePos?.[0] ? `line ${e.linePos[0].line}, column ${e.linePos[0].col}` : path,
        message: `YAML syntax: ${e.message.split('\n')[0]}`,
      })),
    );
  }
  return parseConfig(doc.toJS(), path, dirname(resolve(path)));
}

function duplicateNames(raw: unknown): ConfigProblem[] {
  const clusters = (raw as { clusters?: unknown } | null)?.clusters;
  if (!Array.isArray(clusters)) return [];
  const seen = new Set<string>();
  const problems: ConfigProblem[] = [];
  clusters.forEach((c: unknown, i) => {
    const name = (c as { name?: unknown } | null)?.name;
    if (typeof name !== 'string') return;
    if (seen.has(name)) {
      problems.push({
        key: `clusters[${i}].name`,
        message: `duplicate cluster name "${name}"; each cluster needs its own name`,
      });
    }
    seen.add(name);
  });
  return problems;
}

function deepFreeze<T>(obj: T): T {
  if (obj && typeof obj === 'object') {
    for (const v of Object.values(obj)) deepFreeze(v);
    Object.freeze(obj);
  }
  return obj;
}
