import type { ReplyMessage } from '../../../src/chat/chat-message.js';
import { configSchema, type VigilConfig } from '../../../src/config/config-schema.js';
import type { Alert, Transition } from '../../../src/domain/alert.js';
import type { CertificateFacts, CheckName, Finding } from '../../../src/domain/finding.js';
import { fingerprint } from '../../../src/domain/fingerprint.js';
import type { Severity } from '../../../src/domain/severity.js';
import type { ActionRequest, CommandRequest } from '../../../src/chat/chat-message.js';
import type { HandlerDeps } from '../../../handlers/handler-deps.js';
import {
  MemoryAlertStore,
  MemoryAuditLog,
  MemoryMuteStore,
  MemorySnapshotStore,
} from '../../support/memory-stores.js';

export const NOW = new Date('2026-11-21T10:05:00Z');
const DAY = 86_400_000;

export function makeConfig(
  permissions: unknown = {},
  clusters = ['prod', 'staging'],
  maintenance: unknown = [],
): Readonly<VigilConfig> {
  return configSchema.parse({
    clusters: clusters.map((name) => ({ name, inCluster: true })),
    permissions,
    maintenance,
  });
}

export interface TestDeps {
  deps: HandlerDeps;
  alerts: MemoryAlertStore;
  audit: MemoryAuditLog;
  snapshots: MemorySnapshotStore;
  mutes: MemoryMuteStore;
  notified: Transition[];
  checkRequests: { cluster: string; check: string | undefined; answer: (r: ReplyMessage) => Promise<void> }[];
  errors: { fields: object; message: string }[];
}

export function makeDeps(options: { config?: Readonly<VigilConfig>; now?: Date } = {}): TestDeps {
  const audit = new MemoryAuditLog();
  const alerts = new MemoryAlertStore(audit);
  const snapshots = new MemorySnapshotStore();
  const mutes = new MemoryMuteStore();
  const notified: Transition[] = [];
  const checkRequests: TestDeps['checkRequests'] = [];
  const errors: TestDeps['errors'] = [];
  const deps: HandlerDeps = {
    config: options.config ?? makeConfig(),
    alerts,
    audit,
    snapshots,
    mutes,
    now: () => options.now ?? NOW,
    notify: async (transitions) => {
      notified.push(...transitions);
    },
    requestCheck: async (cluster, check, answer) => {
      checkRequests.push({ cluster, check, answer });
    },
    log: { error: (fields, message) => errors.push({ fields, message }) },
  };
  return { deps, alerts, audit, snapshots, mutes, notified, checkRequests, errors };
}

export const maria = { kind: 'slack' as const, id: 'U0MARIA', name: 'maria' };
export const omar = { kind: 'slack' as const, id: 'U0OMAR', name: 'omar' };

export function slackCommand(text: string, extra: Partial<CommandRequest> = {}): CommandRequest {
  return { platform: 'slack', text, user: maria, channel: 'C0OPS', ...extra };
}

export function slackAction(
  action: ActionRequest['action'],
  extra: Partial<ActionRequest> = {},
): ActionRequest {
  return { platform: 'slack', action, user: maria, channel: 'C0OPS', ...extra };
}

/** A certificate finding whose expiry is `days` from NOW (negative: expired). */
export function certFinding(
  cluster: string,
  object: string,
  days: number,
  extra: { severity?: Severity; isCa?: boolean; subject?: string } = {},
): Finding {
  const notAfter = new Date(NOW.getTime() + days * DAY).toISOString();
  const expiry: CertificateFacts['expiry'] =
    days < 0 ? 'expired' : days <= 14 ? 'critical' : days <= 28 ? 'warning' : 'ok';
  const severity = extra.severity ?? (expiry === 'expired' ? 'critical' : expiry);
  return {
    cluster,
    check: 'certificates',
    severity,
    source: 'tls-secret',
    object,
    summary: `Secret ${object}: certificate expires`,
    fingerprint: fingerprint(cluster, 'certificates', 'tls-secret', object),
    certificate: {
      subject: extra.subject ?? `CN=${object.split('/').pop()}`,
      issuer: 'CN=ca',
      sans: [],
      serialNumber: '01',
      fingerprint256: 'AA',
      notBefore: '2026-01-01T00:00:00.000Z',
      notAfter,
      daysLeft: Math.floor(days),
      role: extra.isCa ? 'ca' : 'leaf',
      isCa: extra.isCa ?? false,
      expiry,
      chainLength: 1,
    },
  };
}

export function plainFinding(
  cluster: string,
  check: CheckName,
  object: string,
  severity: Severity,
  summary: string,
): Finding {
  return {
    cluster,
    check,
    severity,
    source: check,
    object,
    summary,
    ...(severity !== 'ok' ? { nextStep: `look at ${object}` } : {}),
    fingerprint: fingerprint(cluster, check, check, object),
  };
}

export function makeAlert(id: string, extra: Partial<Alert> = {}): Alert {
  const finding = certFinding(extra.cluster ?? 'prod', `prod/${id}-tls`, 3);
  return {
    id,
    fingerprint: finding.fingerprint,
    cluster: 'prod',
    check: 'certificates',
    source: finding.source,
    object: finding.object,
    state: 'firing',
    severity: 'critical',
    finding,
    openedAt: '2026-11-21T09:18:00.000Z',
    changedAt: '2026-11-21T09:18:00.000Z',
    lastSeenAt: '2026-11-21T10:00:00.000Z',
    okRuns: 0,
    seq: 1,
    ...extra,
  };
}

/** Every line of a reply, headings included, for content assertions. */
export function textOf(reply: ReplyMessage): string {
  return [
    reply.title,
    ...reply.sections.flatMap((s) => [...(s.heading ? [s.heading] : []), ...s.lines]),
    reply.footer ?? '',
  ].join('\n');
}
