import type { ActionRequest, ReplyMessage } from '../src/chat/chat-message.js';
import { buildReply } from './build-reply.js';
import { certsChart } from './certs-chart.js';
import { commandHint } from './command-hint.js';
import type { HandlerDeps } from './handler-deps.js';
import { selectClusters } from './select-clusters.js';

// As change-alert.ts: ids are letters and digits (src/alerts/alert-id.ts), fingerprints hex.
const ALERT_ID = /^[a-z0-9_-]{1,64}$/;

/**
 * The Chart button on a certificate alert: `/k8s certs CLUSTER --chart` for the alert's cluster.
 * Unlike Acknowledge, it is a read of the whole cluster's certificates, not of the one alert the
 * message already shows, so it passes the same channel restriction as the typed command
 * (`mayQuery` via selectClusters, refusals audited as `refused:chart`).
 */
export async function chartAction(
  request: ActionRequest & { action: { kind: 'chart' } },
  deps: HandlerDeps,
): Promise<ReplyMessage> {
  const id = request.action.alertId.trim().toLowerCase();
  const alert = ALERT_ID.test(id) ? await deps.alerts.get(id) : null;
  if (!alert) {
    return buildReply({
      title: `No alert ${ALERT_ID.test(id) ? id : 'with that id'}`,
      sections: [
        {
          lines: [`${commandHint(request.platform, 'certs', 'CLUSTER', '--chart')} draws a cluster's chart.`],
        },
      ],
    });
  }
  const selection = await selectClusters('chart', alert.cluster, request, deps);
  if (!selection.ok) return selection.reply;
  return certsChart(
    { verb: 'certificates', args: [alert.cluster], flags: { chart: true } },
    request,
    selection,
    deps,
  );
}
