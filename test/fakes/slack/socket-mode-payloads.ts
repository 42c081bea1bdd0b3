import { blockActionsBody, slashCommandBody, type SlashCommandFields } from './sign-slack-request.js';

/**
 * The payloads Socket Mode envelopes carry: the same fields Slack posts over HTTP, as JSON instead of
 * a form. Derived from the HTTP bodies (sign-slack-request.ts), so both modes are fed the same data.
 */

/** A `slash_commands` envelope's payload: the command's form fields as one object of strings. */
export function slashCommandPayload(
  fields: Partial<SlashCommandFields> & { response_url: string },
): Record<string, unknown> {
  return {
    ...Object.fromEntries(new URLSearchParams(slashCommandBody(fields))),
    is_enterprise_install: 'false',
  };
}

/** An `interactive` envelope's payload: the block_actions object the HTTP form's `payload` field holds. */
export function blockActionsPayload(opts: Parameters<typeof blockActionsBody>[0]): Record<string, unknown> {
  const payload = new URLSearchParams(blockActionsBody(opts)).get('payload');
  return JSON.parse(payload ?? '{}') as Record<string, unknown>;
}
