import { z } from 'zod';

const namespaceName = z.string().regex(/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/, {
  error: 'must be a namespace name such as "db"',
});

/** `statefulsets:` in vigil.yaml. Owned by the StatefulSet check (src/checks/statefulsets). */
export const statefulSetsConfigSchema = z
  .strictObject({
    // kubernetes-mixin's KubeStatefulSetReplicasMismatch waits 15 minutes before alerting.
    gracePeriodMinutes: z.number().int().min(0).max(1440).default(15),
    namespaces: z
      .strictObject({
        include: z.array(namespaceName).default([]),
        exclude: z.array(namespaceName).default([]),
      })
      .prefault({}),
  })
  .prefault({});

export type StatefulSetsConfig = z.infer<typeof statefulSetsConfigSchema>;
