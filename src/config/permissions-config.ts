import { z } from 'zod';

/** `permissions:` in vigil.yaml: who may act and which channels may query which clusters (handlers/). */
export const permissionsConfigSchema = z.strictObject({}).prefault({});

export type PermissionsConfig = z.infer<typeof permissionsConfigSchema>;
