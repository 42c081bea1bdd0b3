import { createHmac } from 'node:crypto';

/**
 * Signs a request body exactly as Slack does: `v0=` + hex HMAC-SHA256 of `v0:{timestamp}:{body}`
 * keyed with the app's signing secret. The body must be sent byte for byte as signed.
 */
export function signSlackRequest(
  body: string,
  signingSecret: string,
  timestampSeconds: number = Math.floor(Date.now() / 1000),
): { 'x-slack-request-timestamp': string; 'x-slack-signature': string } {
  const signature = createHmac('sha256', signingSecret)
    .update(`v0:${timestampSeconds}:${body}`)
    .digest('hex');
  return { 'x-slack-request-timestamp': String(timestampSeconds), 'x-slack-signature': `v0=${signature}` };
}

export interface SlashCommandFields {
  command: string;
  text: string;
  user_id: string;
  user_name: string;
  channel_id: string;
  channel_name: string;
  team_id: string;
  team_domain: string;
  response_url: string;
  trigger_id: string;
  api_app_id: string;
  token: string;
}

/** A slash command body as Slack sends it (form-urlencoded). */
export function slashCommandBody(fields: Partial<SlashCommandFields> & { response_url: string }): string {
  const all: SlashCommandFields = {
    command: '/k8s',
    text: '',
    user_id: 'U0MARIA',
    user_name: 'maria',
    channel_id: 'C0ALERTS',
    channel_name: 'alerts',
    team_id: 'T0FAKE',
    team_domain: 'fake-workspace',
    trigger_id: '1.2.3',
    api_app_id: 'A0VIGIL',
    // The legacy verification token Slack still sends; it must never be logged.
    token: 'legacy-verification-token',
    ...fields,
  };
  return new URLSearchParams(Object.entries(all)).toString();
}

/** A block_actions body (form field `payload` holding JSON) for a click on one element. */
export function blockActionsBody(opts: {
  responseUrl: string;
  action: Record<string, unknown>;
  user?: { id: string; username: string };
  channelId?: string;
  messageTs?: string;
}): string {
  const payload = {
    type: 'block_actions',
    team: { id: 'T0FAKE', domain: 'fake-workspace' },
    user: { ...(opts.user ?? { id: 'U0MARIA', username: 'maria' }), team_id: 'T0FAKE' },
    api_app_id: 'A0VIGIL',
    token: 'legacy-verification-token',
    container: {
      type: 'message',
      message_ts: opts.messageTs ?? '1700000000.000100',
      channel_id: opts.channelId ?? 'C0ALERTS',
      is_ephemeral: false,
    },
    trigger_id: '1.2.3',
    channel: { id: opts.channelId ?? 'C0ALERTS', name: 'alerts' },
    message: { type: 'message', ts: opts.messageTs ?? '1700000000.000100', text: 'alert' },
    response_url: opts.responseUrl,
    actions: [{ block_id: 'vigil_alert_actions', action_ts: '1700000001.000200', ...opts.action }],
  };
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}

/** POSTs a signed body to the receiver; `headers` overrides (bad signature, odd timestamps). */
export async function postToSlackEvents(
  url: string,
  body: string,
  signingSecret: string,
  opts: { timestampSeconds?: number; headers?: Record<string, string> } = {},
): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      ...signSlackRequest(body, signingSecret, opts.timestampSeconds),
      ...opts.headers,
    },
    body,
  });
}
