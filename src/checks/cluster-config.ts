import { z } from 'zod';
import { secretAccessSchema } from './secret-access-schema.js';

// host:port, [v6]:port or an https URL; the port is required because the same host often serves
// several certificates (etcd 2379 and 2380, controller-manager 10257, scheduler 10259).
const endpointPattern = /^(https:\/\/)?(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):\d{1,5}\/?$/;

/** Only judges a port that is there; a missing one is already reported by the pattern above. */
function validPort(endpoint: string): boolean {
  const digits = /:(\d+)\/?$/.exec(endpoint)?.[1];
  if (digits === undefined) return true;
  const port = Number(digits);
  return port >= 1 && port <= 65535;
}

const requestTimeoutHint = { error: 'must be a number of seconds above 0 and at most 120, e.g. 10' };

/** One entry of `clusters:` in vigil.yaml: how to reach it and what to probe besides the API. */
export const clusterConfigSchema = z
  .strictObject({
    // Names appear in chat commands (`/k8s certs prod`), so keep them short and shell-friendly.
    name: z.string().regex(/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/, {
      error: 'must be a lower-case DNS label such as "prod" or "eu-west-1"',
    }),
    kubeconfig: z
      .string()
      .min(1, {
        error: 'must be the path of a kubeconfig file, e.g. ~/.kube/config (or leave it out for $KUBECONFIG)',
      })
      .optional(),
    context: z
      .string()
      .min(1, {
        error:
          'must name a context of the kubeconfig (kubectl config get-contexts), or be left out for its current-context',
      })
      .optional(),
    inCluster: z.boolean().optional(),
    tlsEndpoints: z
      .array(
        z
          .string()
          .regex(endpointPattern, { error: 'must be host:port, [ipv6]:port or https://host:port' })
          .refine(validPort, { error: 'port must be between 1 and 65535' }),
      )
      .default([]),
    requestTimeoutSeconds: z.number().positive(requestTimeoutHint).max(120, requestTimeoutHint).default(10),
    // Which Secrets vigil may read here (secret-access.ts). Left out: every Secret, or for an
    // inCluster cluster what the chart's VIGIL_RBAC_MODE says (src/config/rbac-env.ts).
    secrets: secretAccessSchema.optional(),
  })
  .refine((c) => !(c.inCluster && (c.kubeconfig || c.context)), {
    error:
      'inCluster: true uses the pod service account; remove kubeconfig and context or set inCluster: false',
    path: ['inCluster'],
  });

export type ClusterConfig = z.infer<typeof clusterConfigSchema>;
