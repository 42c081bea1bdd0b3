import { z } from 'zod';
import {
  namespaceNamePattern,
  rbacModeAccess,
  secretAccessModes,
  type SecretAccess,
} from './secret-access.js';

// The schema sits apart from secret-access.ts so that the checks, which only read a SecretAccess,
// load without zod: the registry is imported by `vigil --help` (BENCHMARKS.md "CLI start-up").

const modeError = (input: unknown): string => {
  const chartName = typeof input === 'string' ? rbacModeAccess[input] : undefined;
  return (
    'must be all (every Secret), namespaces (only those of secrets.namespaces) or none (no Secret)' +
    (chartName ? `; "${String(input)}" is the chart's rbac.mode name, here it is ${chartName}` : '')
  );
};

/** `clusters[].secrets` in vigil.yaml; left out, every Secret (or what VIGIL_RBAC_MODE says). */
export const secretAccessSchema = z
  .strictObject({
    mode: z.enum(secretAccessModes, { error: (issue) => modeError(issue.input) }),
    namespaces: z
      .array(z.string().regex(namespaceNamePattern, { error: 'must be a namespace name such as "apps"' }))
      .optional(),
  })
  .superRefine((s, ctx) => {
    if (s.mode === 'namespaces' && (s.namespaces ?? []).length === 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['namespaces'],
        message:
          'list at least one namespace with mode namespaces, e.g. namespaces: [apps, payments] (or use mode none)',
      });
    }
    if (s.mode !== 'namespaces' && s.namespaces !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['namespaces'],
        message: `is only read with mode namespaces; remove it, or set mode: namespaces`,
      });
    }
  })
  .transform((s): SecretAccess => ({
    mode: s.mode,
    namespaces: s.mode === 'namespaces' ? [...new Set(s.namespaces)] : [],
    setBy: 'config',
  }));
