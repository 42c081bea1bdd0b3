import { hostCertificatesCheck } from '../checks/host-certificates/host-certificates-check.js';
import {
  hostCertificatesConfigSchema,
  type HostCertificatesConfig,
} from '../checks/host-certificates/host-certificates-config.js';
import { cronPatternProblem } from '../config/schedules-config.js';
import { readRedisEnv, type RedisTopology } from '../config/redis-env.js';
import { ConfigError, type ConfigProblem } from '../domain/config-error.js';

/** What `vigil agent` reads from the environment; it has no config file and no Kubernetes access. */
export interface AgentEnv {
  /** VIGIL_HOST_ROOT: where the node's `/` is mounted (default `/host`, as the Helm chart mounts it). */
  hostRoot: string;
  /** NODE_NAME: the node's name as Kubernetes knows it (the chart sets it from spec.nodeName). */
  node: string;
  /** VIGIL_CLUSTER: the cluster's name in vigil serve's config (clusters[].name). */
  cluster: string;
  /** REDIS_URL, VIGIL_REDIS_PREFIX, REDIS_MODE, ...: the same as vigil serve's (src/config/redis-env.ts). */
  redisUrl: string;
  redisPrefix: string;
  redisTopology?: RedisTopology;
  /** VIGIL_AGENT_SCHEDULE: a cron pattern in UTC; default the host-certificates check's own. */
  schedule: string;
  /** VIGIL_HOST_CERTIFICATES: the `hostCertificates:` section as JSON (the chart passes the same values). */
  settings: HostCertificatesConfig;
}

// Kubernetes node names are DNS subdomains (RFC 1123); they become part of Redis keys and findings.
const nodeName = /^(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const clusterName = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

function settingsFrom(raw: string | undefined, problems: ConfigProblem[]): HostCertificatesConfig {
  const fallback = hostCertificatesConfigSchema.parse(undefined);
  if (raw === undefined || raw.trim() === '') return fallback;
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    problems.push({
      key: 'VIGIL_HOST_CERTIFICATES',
      message: 'is not JSON; e.g. {"layouts":["kubeadm","kubelet"],"extraPaths":["/etc/ssl/my.crt"]}',
    });
    return fallback;
  }
  const parsed = hostCertificatesConfigSchema.safeParse(json);
  if (parsed.success) return parsed.data;
  for (const issue of parsed.error.issues) {
    problems.push({
      key: ['VIGIL_HOST_CERTIFICATES', ...issue.path.map(String)].join('.'),
      message: issue.code === 'unrecognized_keys' ? `unknown key(s) ${issue.keys.join(', ')}` : issue.message,
    });
  }
  return fallback;
}

/** Every problem at once, as `vigil serve` does, so one restart of the DaemonSet fixes them all. */
export function readAgentEnv(env: NodeJS.ProcessEnv = process.env): Readonly<AgentEnv> {
  const problems: ConfigProblem[] = [];
  const node = env['NODE_NAME']?.trim() ?? '';
  if (!nodeName.test(node)) {
    problems.push({
      key: 'NODE_NAME',
      message:
        node === ''
          ? 'is required: the name of this node (in a DaemonSet: valueFrom.fieldRef.fieldPath spec.nodeName)'
          : 'must be a node name (a lower-case DNS name such as "cp-1")',
    });
  }
  const cluster = env['VIGIL_CLUSTER']?.trim() ?? '';
  if (!clusterName.test(cluster)) {
    problems.push({
      key: 'VIGIL_CLUSTER',
      message:
        cluster === ''
          ? "is required: the cluster's name in vigil serve's config (clusters[].name), e.g. prod"
          : "must be a cluster name from vigil serve's clusters[] (a lower-case DNS label such as prod)",
    });
  }
  const schedule = env['VIGIL_AGENT_SCHEDULE']?.trim() || hostCertificatesCheck.schedule.pattern;
  const scheduleProblem = cronPatternProblem(schedule, 'UTC');
  if (scheduleProblem) {
    problems.push({
      key: 'VIGIL_AGENT_SCHEDULE',
      message: `invalid cron pattern "${schedule}": ${scheduleProblem}; e.g. "${hostCertificatesCheck.schedule.pattern}" (${hostCertificatesCheck.schedule.meaning})`,
    });
  }
  const settings = settingsFrom(env['VIGIL_HOST_CERTIFICATES'], problems);
  const redis = readRedisEnv(env, problems);
  if (problems.length > 0) throw new ConfigError('environment', problems);
  return Object.freeze({
    hostRoot: env['VIGIL_HOST_ROOT']?.trim() || '/host',
    node,
    cluster,
    redisUrl: redis.redisUrl,
    redisPrefix: redis.redisPrefix,
    ...(redis.redisTopology ? { redisTopology: redis.redisTopology } : {}),
    schedule,
    settings,
  });
}
