import { parse as parseQuery } from 'node:querystring';
import { alertActionIdPattern } from './slack-action-ids.js';

/**
 * A request body on `/slack/events`, in the shapes vigil accepts: Slack's unsigned `ssl_check`, a
 * slash command (form fields), an interactivity payload (a form field `payload` holding a JSON
 * object) or an Events API body (a JSON object).
 */
export type SlackInboundBody =
  | { kind: 'ssl-check' }
  | { kind: 'command'; fields: Readonly<Record<string, string>> }
  | { kind: 'payload'; payload: Readonly<Record<string, unknown>> }
  | { kind: 'event'; event: Readonly<Record<string, unknown>> };

/** `problem` is vigil's own wording, never a piece of the body, so it may be logged and answered. */
export type SlackBodyVerdict = { ok: true; body: SlackInboundBody } | { ok: false; problem: string };

/** Who a request says it comes from; compared with the installed workspace (slack-workspace.ts). */
export interface SlackRequestOrigin {
  teamId?: string;
  appId?: string;
}

// Bolt's HTTP receiver treats a body as a form only for exactly this content type and parses
// anything else as JSON; the same rule here means the body checked is the body Bolt parses.
const formContentType = 'application/x-www-form-urlencoded';

/** Fields Slack sends with every slash command, and which the listeners read. */
const commandFields = ['command', 'user_id', 'channel_id', 'team_id', 'response_url'] as const;

/**
 * Checks a body before Bolt parses it. Bolt reads `body.ssl_check`, `body.type` and the listeners
 * `body.user.id` without checking that they exist, so a signed `payload=null` or a JSON `null`
 * used to throw inside Bolt's receiver, outside any request handler: an unhandled rejection that
 * ended the process. Anything not in one of the shapes above is refused here (400).
 */
export function parseSlackBody(raw: string, contentType: string | undefined): SlackBodyVerdict {
  if (contentType === formContentType) return parseForm(raw);
  const event = parseJsonObject(raw);
  if (!event) return { ok: false, problem: 'a JSON body must be an object' };
  if (typeof event['type'] !== 'string') return { ok: false, problem: 'a JSON body needs a string "type"' };
  return { ok: true, body: { kind: 'event', event } };
}

function parseForm(raw: string): SlackBodyVerdict {
  const form = parseQuery(raw);
  const fields: Record<string, string> = {};
  for (const [key, value] of Object.entries(form)) {
    // node:querystring turns a repeated field into an array, which no Slack body has.
    if (typeof value !== 'string') return { ok: false, problem: 'a form field appears more than once' };
    fields[key] = value;
  }
  if (fields['ssl_check'] === '1') return { ok: true, body: { kind: 'ssl-check' } };
  if (fields['payload'] !== undefined) {
    const payload = parseJsonObject(fields['payload']);
    if (!payload) return { ok: false, problem: 'the form field "payload" must hold a JSON object' };
    const problem = slackPayloadProblem(payload);
    return problem ? { ok: false, problem } : { ok: true, body: { kind: 'payload', payload } };
  }
  const missing = commandFields.filter((f) => !fields[f]);
  if (missing.length > 0) {
    return { ok: false, problem: `a slash command needs the form fields ${missing.join(', ')}` };
  }
  return { ok: true, body: { kind: 'command', fields } };
}

/**
 * What is wrong with an interactivity payload, or undefined: vigil only has buttons and menus on
 * its alert messages (block_actions), and acting on one needs the person, the workspace and the
 * channel. Exported for any other way payloads arrive (Socket Mode hands over the same objects).
 */
export function slackPayloadProblem(payload: Readonly<Record<string, unknown>>): string | undefined {
  if (payload['type'] !== 'block_actions') return 'vigil handles only block_actions payloads';
  const user = objectOrUndefined(payload['user']);
  if (typeof user?.['id'] !== 'string' || !user['id']) return 'a button press must name its user (user.id)';
  if (!originOfPayload(payload).teamId) return 'a button press must name its workspace (team.id)';
  if (!payloadChannel(payload)) return 'a button press must name its channel (channel.id)';
  // Bolt reads `channel.id` whenever `channel` is not undefined: `channel: null` threw into a 500
  // (found by test/fuzz/slack-inbound.test.ts) even with the container naming the channel.
  if (payload['channel'] !== undefined && !objectOrUndefined(payload['channel'])) {
    return 'the channel of a button press must be an object (channel.id)';
  }
  const actions = payload['actions'];
  if (!Array.isArray(actions) || actions.length === 0 || !actions.every((a) => objectOrUndefined(a))) {
    return 'a button press must list its actions';
  }
  return undefined;
}

/**
 * Why no listener of register-slack-listeners.ts would answer a well-shaped body, or undefined. Bolt
 * holds such a request until its 3-second unhandled-request timeout and then answers a bare 404, so a
 * signed command for another slash command, a press of a button that is not vigil's, or an
 * event_callback without its event held a connection for 3 s each (found by test/fuzz/
 * slack-inbound.test.ts; the bodies are in test/fixtures/hostile/slack-bodies.ts).
 */
export function slackListenerProblem(body: SlackInboundBody, commandName: string): string | undefined {
  if (body.kind === 'command' && body.fields['command'] !== commandName) {
    return `vigil answers only the ${commandName} command`;
  }
  if (body.kind === 'payload') {
    // Bolt routes a block_actions payload by its first action (slackPayloadProblem checked the list).
    const first = (body.payload['actions'] as unknown[])[0] as Record<string, unknown>;
    const id = first['action_id'];
    if (typeof id !== 'string' || !alertActionIdPattern.test(id)) {
      return 'vigil handles only the buttons and menus of its own alert messages';
    }
  }
  // vigil's Slack app subscribes to no Events API events (only the slash command and its buttons),
  // so of the JSON bodies only url_verification, which Bolt answers itself, is expected. Bolt let an
  // event_callback whose event had `user: null` throw into a 500, and held app_rate_limited or
  // JSON-encoded interactivity for 3 s.
  if (body.kind === 'event' && body.event['type'] !== 'url_verification') {
    return 'vigil subscribes to no Events API events; of the JSON bodies only url_verification is answered';
  }
  return undefined;
}

/** The channel of a block_actions payload: `channel.id`, or the container's for messages outside one. */
export function payloadChannel(payload: Readonly<Record<string, unknown>>): string | undefined {
  const channel = objectOrUndefined(payload['channel'])?.['id'];
  if (typeof channel === 'string' && channel) return channel;
  const container = objectOrUndefined(payload['container'])?.['channel_id'];
  return typeof container === 'string' && container ? container : undefined;
}

/**
 * Workspace and app a request names; undefined for the requests Bolt answers itself without running
 * any listener (`ssl_check`, the Events API's `url_verification`).
 */
export function slackRequestOrigin(body: SlackInboundBody): SlackRequestOrigin | undefined {
  switch (body.kind) {
    case 'ssl-check':
      return undefined;
    case 'command':
      return origin(body.fields['team_id'], body.fields['api_app_id']);
    case 'payload':
      return originOfPayload(body.payload);
    case 'event':
      if (body.event['type'] === 'url_verification') return undefined;
      return origin(body.event['team_id'], body.event['api_app_id']);
  }
}

function originOfPayload(payload: Readonly<Record<string, unknown>>): SlackRequestOrigin {
  const team = objectOrUndefined(payload['team'])?.['id'] ?? objectOrUndefined(payload['user'])?.['team_id'];
  return origin(team, payload['api_app_id']);
}

function origin(teamId: unknown, appId: unknown): SlackRequestOrigin {
  return {
    ...(typeof teamId === 'string' && teamId ? { teamId } : {}),
    ...(typeof appId === 'string' && appId ? { appId } : {}),
  };
}

function parseJsonObject(text: string): Record<string, unknown> | undefined {
  try {
    return objectOrUndefined(JSON.parse(text));
  } catch {
    return undefined;
  }
}

function objectOrUndefined(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}
