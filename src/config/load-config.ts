import { readFileSync, statSync, type Stats } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { parseDocument } from 'yaml';
import type { z } from 'zod';
import { ConfigError, type ConfigProblem } from '../domain/config-error.js';
import { configSchema, type VigilConfig } from './config-schema.js';
import { digestProblems } from './digest-config.js';
import { describeConfigValue, wrongTypeMessage } from './describe-config-value.js';
import { duplicateWindowNames } from './maintenance-config.js';
import { permissionsProblems } from './permissions-config.js';
import { applyRbacEnv, readRbacEnv } from './rbac-env.js';
import { scheduleFrequencyProblems } from './schedule-frequency-problems.js';

export const defaultConfigPath = 'vigil.yaml';

export function formatKey(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out ? `.${String(p)}` : String(p);
  return out || '(top level)';
}

/** zod leaves the offending value out of its issues; it is looked up in the document instead. */
function valueAt(raw: unknown, path: readonly PropertyKey[]): unknown {
  let v = raw;
  for (const p of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[p];
  }
  return v;
}

function problemsFrom(issues: readonly z.core.$ZodIssue[], raw: unknown): ConfigProblem[] {
  return issues.map((issue) => {
    const key = formatKey(issue.path);
    if (issue.code === 'unrecognized_keys') {
      return {
        key,
        message: `unknown key(s) ${issue.keys.map((k) => `"${k}"`).join(', ')}; check the spelling against README.md "Configuration"`,
      };
    }
    if (issue.code === 'invalid_type') {
      const value = valueAt(raw, issue.path);
      if (value === undefined) return { key, message: `is required (expected ${issue.expected})` };
      // zod's own text ("Invalid input: expected string, received number") is replaced; a message
      // the schema wrote on purpose is kept and told what it got.
      return {
        key,
        message: issue.message.startsWith('Invalid input')
          ? wrongTypeMessage(issue.path, issue.expected, value)
          : `${issue.message}; got ${describeConfigValue(value)}`,
      };
    }
    return { key, message: issue.message };
  });
}

export interface ParseConfigOptions {
  /**
   * Refuse schedules firing more often than their check's minimum (schedule-frequency-problems.ts).
   * loadConfig, the path of every operator's file, turns it on; tests that drive the schedulers with
   * per-second patterns call parseConfig without it.
   */
  enforceScheduleMinimum?: boolean;
  /**
   * The environment settings that complete the file: VIGIL_RBAC_MODE and VIGIL_RBAC_NAMESPACES
   * (rbac-env.ts), reported with the file's problems. loadConfig passes process.env; without it the
   * file alone decides.
   */
  env?: NodeJS.ProcessEnv;
}

/** Validates an already-parsed document; paths to kubeconfigs are resolved against `baseDir`. */
export function parseConfig(
  raw: unknown,
  file: string,
  baseDir: string,
  options: ParseConfigOptions = {},
): Readonly<VigilConfig> {
  const input = resolveCaFiles(raw, baseDir);
  const result = configSchema.safeParse(input);
  // Checked beside the schema, not inside it: zod skips refinements once a field has failed, and
  // every problem must be reported in one pass.
  const rbac = readRbacEnv(options.env ?? {});
  const problems = [
    ...(result.success ? [] : problemsFrom(result.error.issues, input)),
    ...duplicateNames(raw),
    ...duplicateWindowNames(raw),
    ...rbac.problems,
  ];
  if (result.success) {
    for (const p of crossReferenceProblems(result.data)) problems.push(p);
    if (rbac.access) for (const p of applyRbacEnv(result.data.clusters, rbac.access)) problems.push(p);
    if (options.enforceScheduleMinimum)
      for (const p of scheduleFrequencyProblems(result.data)) problems.push(p);
  }
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
  return [...permissionsProblems(cfg), ...schedules, ...digestProblems(cfg)];
}

/** Larger than any real vigil.yaml by orders of magnitude; a file this big is the wrong file. */
const maxConfigBytes = 16 * 1024 * 1024;

/**
 * stat before read: readFileSync on a FIFO blocks until a writer appears (forever), on a directory it
 * throws EISDIR, and neither said which file or what to do. Only regular files are read.
 */
function readConfigText(path: string): string {
  const fail = (message: string): never => {
    throw new ConfigError(path, [{ key: path, message }]);
  };
  if (path.trim() === '') {
    fail('the config path is empty; pass the path of vigil.yaml, e.g. --config /etc/vigil/vigil.yaml');
  }
  let stats: Stats;
  try {
    stats = statSync(path);
  } catch (err) {
    return fail(fileErrorMessage(err));
  }
  if (stats.isDirectory()) {
    fail(`is a directory; pass the config file inside it, e.g. --config ${join(path, 'vigil.yaml')}`);
  }
  if (!stats.isFile()) {
    fail(
      `is ${fileKind(stats)}, not a regular file; vigil reads its config only from a regular file (a pipe or device could block it forever), so copy it to one and pass that with --config`,
    );
  }
  if (stats.size > maxConfigBytes) {
    fail(
      `is ${Math.round(stats.size / 1024 / 1024)} MB, far larger than any vigil config (the limit is ${maxConfigBytes / 1024 / 1024} MB); check that --config names the right file`,
    );
  }
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    return fail(fileErrorMessage(err));
  }
}

function fileErrorMessage(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  switch (code) {
    case 'ENOENT':
      return 'file not found; create it (see vigil.example.yaml) or pass --config PATH';
    case 'EACCES':
    case 'EPERM':
      return `is not readable by the user vigil runs as (${code}); fix its permissions (e.g. chmod 0640 and the group vigil runs with) or pass another --config`;
    case 'ENOTDIR':
      return 'a part of the path is not a directory; fix --config';
    case 'ELOOP':
      return 'is a symbolic link loop; point --config at the real file';
    default:
      return `cannot be read (${code ?? (err instanceof Error ? err.message : String(err))}); check the path and its permissions`;
  }
}

function fileKind(stats: Stats): string {
  if (stats.isFIFO()) return 'a named pipe (FIFO)';
  if (stats.isSocket()) return 'a socket';
  if (stats.isCharacterDevice()) return 'a character device';
  if (stats.isBlockDevice()) return 'a block device';
  return 'something other than a file';
}

/**
 * The only reader of the config file: returns a typed, frozen object or throws ConfigError listing
 * every problem, the file's and those of the environment variables that complete it (`env`).
 */
export function loadConfig(path: string, env: NodeJS.ProcessEnv = process.env): Readonly<VigilConfig> {
  const text = readConfigText(path);
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
  let raw: unknown;
  try {
    raw = doc.toJS();
  } catch (err) {
    // The yaml library refuses alias "billion laughs" expansion (ReferenceError: Excessive alias count).
    const bomb = err instanceof ReferenceError && /alias/i.test(err.message);
    throw new ConfigError(path, [
      {
        key: path,
        message: bomb
          ? 'YAML aliases (*name) expand too far: the document would grow without bound; write the values out instead of nesting anchors and aliases'
          : `YAML cannot be read: ${(err instanceof Error ? err.message : String(err)).split('\n')[0]}`,
      },
    ]);
  }
  return parseConfig(raw, path, dirname(resolve(path)), { enforceScheduleMinimum: true, env });
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
