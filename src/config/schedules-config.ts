import { z } from 'zod';

/** `schedules:` in vigil.yaml: check schedules for vigil serve (src/queue). */
export const schedulesConfigSchema = z.strictObject({}).prefault({});

export type SchedulesConfig = z.infer<typeof schedulesConfigSchema>;
