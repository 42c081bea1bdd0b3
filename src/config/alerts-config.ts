import { z } from 'zod';

/** `alerts:` in vigil.yaml: the alert lifecycle and routing (src/alerts). */
export const alertsConfigSchema = z.strictObject({}).prefault({});

export type AlertsConfig = z.infer<typeof alertsConfigSchema>;
