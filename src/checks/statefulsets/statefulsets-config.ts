import { z } from 'zod';

const namespaceName = z.string().regex(/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/, {
  error: 'must be a namespace name such as "db"',
});

const minutesHint = { error: 'must be a whole number of minutes from 0 to 1440, e.g. 15' };

/** `statefulsets:` in vigil.yaml. Owned by the StatefulSet check (src/checks/statefulsets). */
export const statefulSetsConfigSchema = z
  .strictObject({
    // kubernetes-mixin's KubeStatefulSetReplicasMismatch waits 15 minutes before alerting: a rolling
    // update always has a pod down for a while. Measured from pod conditions, not from vigil's start.
    gracePeriodMinutes: z
      .number(minutesHint)
      .int(minutesHint)
      .min(0, minutesHint)
      .max(1440, minutesHint)
      .default(15),
    namespaces: z
      .strictObject({
        /** Only these namespaces (each listed on its own, so a Role per namespace is enough). */
        include: z.array(namespaceName).default([]),
        /** Every namespace but these (filtered by the API server). */
        exclude: z.array(namespaceName).default([]),
      })
      .prefault({})
      .refine((n) => !n.include.some((ns) => n.exclude.includes(ns)), {
        error: 'a namespace is listed in both include and exclude; remove it from one of them',
        path: ['exclude'],
      }),
  })
  .prefault({});

export type StatefulSetsConfig = z.infer<typeof statefulSetsConfigSchema>;
