import type { IncomingMessage } from 'node:http';

/** Fields the WebClient sends as JSON strings inside a form body (it JSON-encodes non-primitives). */
const JSON_FIELDS = new Set(['blocks', 'attachments', 'metadata', 'files']);

export async function readBody(req: IncomingMessage): Promise<string> {
  return (await readRawBody(req)).toString('utf8');
}

/** The body as bytes: file uploads are binary. */
export async function readRawBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/**
 * Web API arguments from either encoding Slack accepts: form-urlencoded (what @slack/web-api
 * sends) with JSON-string fields decoded, or a JSON body.
 */
export function parseSlackArgs(raw: string, contentType: string | undefined): Record<string, unknown> {
  if (contentType?.startsWith('application/json')) {
    const parsed: unknown = raw ? JSON.parse(raw) : {};
    return parsed && typeof parsed === 'object' ? (parsed as Record<string, unknown>) : {};
  }
  const args: Record<string, unknown> = {};
  for (const [key, value] of new URLSearchParams(raw)) {
    if (JSON_FIELDS.has(key)) {
      try {
        args[key] = JSON.parse(value);
      } catch {
        args[key] = value; // kept raw: the handler answers invalid_* like Slack would
      }
    } else {
      args[key] = value;
    }
  }
  return args;
}

/** Slack reads booleans from forms as "true"/"1". */
export function flag(value: unknown): boolean {
  return value === true || value === 'true' || value === '1' || value === 1;
}

export function str(value: unknown): string | undefined {
  return typeof value === 'string' && value !== ''
    ? value
    : typeof value === 'number'
      ? String(value)
      : undefined;
}
