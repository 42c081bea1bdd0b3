import { z } from 'zod';

/** `registries:` in vigil.yaml. Owned by the registry check (src/checks/registries). */
export const registriesConfigSchema = z
  .strictObject({
    /** Registries to probe even when no image uses them yet (host, host:port or an image reference). */
    extra: z.array(z.string().min(1)).default([]),
    /** Registries never probed. */
    ignore: z.array(z.string().min(1)).default([]),
    /** Registries reached over plain HTTP; the only ones credentials may be sent to without TLS. */
    insecure: z.array(z.string().min(1)).default([]),
    probeTimeoutSeconds: z.number().positive().max(60).default(5),
    probeConcurrency: z.number().int().min(1).max(256).default(16),
  })
  .prefault({});

export type RegistriesConfig = z.infer<typeof registriesConfigSchema>;
