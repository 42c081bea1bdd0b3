import type { WebClient } from '@slack/web-api';
import type { ReplyImage } from '../chat-message.js';
import { ChatDeliveryError } from '../chat-delivery-error.js';
import { classifySlackError } from './classify-slack-error.js';

/** Hosts Slack hands out upload URLs on (commercial and GovSlack). */
const SLACK_UPLOAD_HOSTS = new Set(['files.slack.com', 'files.slack-gov.com']);

export interface UploadReplyImageOptions {
  /** The configured SLACK_API_URL: its origin is also accepted as an upload host (tests, the fake). */
  slackApiUrl: string;
  botName?: string;
  timeoutMs?: number;
  /** Posted with the file, e.g. what the picture answers. */
  initialComment?: string;
  threadTs?: string;
}

/** Whether bytes may go to this upload URL: Slack's file host over https, or the configured API origin. */
export function isAllowedUploadUrl(uploadUrl: string, slackApiUrl: string): boolean {
  let url: URL;
  try {
    url = new URL(uploadUrl);
  } catch {
    return false;
  }
  if (url.username || url.password) return false;
  if (url.protocol === 'https:' && SLACK_UPLOAD_HOSTS.has(url.hostname)) return true;
  return url.origin === new URL(slackApiUrl).origin;
}

/**
 * Shares a reply's picture in a channel with Slack's current upload flow (`files.upload` is retired,
 * DOMAIN.md §5): files.getUploadURLExternal (name, length, `alt_txt`), the bytes POSTed to the URL it
 * returns, then files.completeUploadExternal into the channel. The three steps are ours rather than
 * the SDK's `filesUploadV2`, which sends the alt text as `alt_text` while Slack documents `alt_txt`,
 * and whose upload POST would bypass the host check above. Needs the `files:write` bot scope and
 * the bot in the channel; failures are classified like any other Slack call.
 */
export async function uploadReplyImage(
  client: WebClient,
  channel: string,
  image: ReplyImage,
  options: UploadReplyImageOptions,
): Promise<{ fileId: string }> {
  const ctx = (method: string) => ({
    method,
    channel,
    ...(options.botName ? { botName: options.botName } : {}),
  });
  let got: { upload_url?: string; file_id?: string };
  try {
    got = (await client.apiCall('files.getUploadURLExternal', {
      filename: image.filename,
      length: image.png.byteLength,
      alt_txt: image.alt.slice(0, 1000),
    })) as { upload_url?: string; file_id?: string };
  } catch (error) {
    throw classifySlackError(error, ctx('files.getUploadURLExternal'));
  }
  if (!got.upload_url || !got.file_id || !isAllowedUploadUrl(got.upload_url, options.slackApiUrl)) {
    throw new ChatDeliveryError(
      'invalid',
      `Slack files.getUploadURLExternal gave no usable upload URL for channel ${channel}`,
    );
  }
  let status: number;
  try {
    const res = await fetch(got.upload_url, {
      method: 'POST',
      headers: { 'content-type': 'application/octet-stream' },
      body: Buffer.from(image.png),
      redirect: 'error',
      signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
    });
    status = res.status;
    await res.arrayBuffer();
  } catch (error) {
    throw new ChatDeliveryError('unavailable', `Slack's upload URL did not answer for channel ${channel}`, {
      cause: error,
    });
  }
  if (status !== 200) {
    throw new ChatDeliveryError(
      status >= 500 ? 'unavailable' : 'invalid',
      `Slack's upload URL answered HTTP ${status} for channel ${channel}`,
    );
  }
  try {
    await client.files.completeUploadExternal({
      files: [{ id: got.file_id, title: image.title }],
      channel_id: channel,
      ...(options.initialComment ? { initial_comment: options.initialComment } : {}),
      ...(options.threadTs ? { thread_ts: options.threadTs } : {}),
    });
  } catch (error) {
    throw classifySlackError(error, ctx('files.completeUploadExternal'));
  }
  return { fileId: got.file_id };
}
