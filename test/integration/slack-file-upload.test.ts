import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ReplyImage } from '../../src/chat/chat-message.js';
import { ChatDeliveryError } from '../../src/chat/chat-delivery-error.js';
import { createSlackWebClient } from '../../src/chat/slack/create-slack-web-client.js';
import { isAllowedUploadUrl, uploadReplyImage } from '../../src/chat/slack/upload-reply-image.js';
import { buildExpiryChart } from '../../src/chart/build-expiry-chart.js';
import { renderPng } from '../../src/chart/render-png.js';
import { FakeSlackWebApi } from '../fakes/slack/index.js';
import { sampleData } from '../unit/chart/chart-fixtures.js';

/**
 * Slack's current upload flow through the real @slack/web-api WebClient against the fake over
 * loopback: files.getUploadURLExternal, the bytes to the upload URL it hands out, then
 * files.completeUploadExternal into the channel. The retired files.upload is never called.
 */
let fake: FakeSlackWebApi;
let image: ReplyImage;

beforeAll(async () => {
  fake = await FakeSlackWebApi.start();
  fake.setChannel('C0OUTSIDE', 'not-member');
  const png = await renderPng(buildExpiryChart(sampleData()).svg);
  image = {
    ...png,
    alt: 'Timeline of certificate expiries over the next 90 days on prod, staging',
    title: 'Certificate expiries on the clusters visible here, next 90 days',
    filename: 'vigil-certs-clusters-2026-11-21.png',
  };
});
afterAll(async () => {
  await fake.close();
});
beforeEach(() => {
  fake.calls.length = 0;
  fake.clearFaults();
});

const client = () => createSlackWebClient({ botToken: fake.token, apiUrl: fake.apiUrl }, { timeoutMs: 2000 });

describe('uploadReplyImage', () => {
  it('shares the PNG in the channel in three steps, with its alt text and title, as the bot', async () => {
    const { fileId } = await uploadReplyImage(client(), 'C0OPS', image, {
      slackApiUrl: fake.apiUrl,
      initialComment: image.title,
    });
    expect(fake.calls.map((c) => c.method)).toEqual([
      'files.getUploadURLExternal',
      'upload_url',
      'files.completeUploadExternal',
    ]);
    expect(fake.calls.every((c) => c.authorized)).toBe(true);
    const asked = fake.callsTo('files.getUploadURLExternal')[0]!.args;
    expect(asked).toMatchObject({ filename: image.filename, length: String(image.png.byteLength) });
    const file = fake.files().find((f) => f.id === fileId)!;
    expect(Buffer.from(file.bytes!).equals(Buffer.from(image.png))).toBe(true);
    expect(file).toMatchObject({ channel: 'C0OPS', altTxt: image.alt, title: image.title });
    const message = fake.messages('C0OPS').find((m) => m.ts === file.ts);
    expect(message?.text).toBe(image.title);
    expect(fake.callsTo('files.upload')).toEqual([]);
  });

  it('a channel the bot is not in fails as forbidden with the invite hint, after the bytes went nowhere public', async () => {
    const error = await uploadReplyImage(client(), 'C0OUTSIDE', image, { slackApiUrl: fake.apiUrl }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ChatDeliveryError);
    expect((error as ChatDeliveryError).code).toBe('chat-forbidden');
    expect((error as ChatDeliveryError).userMessage).toMatch(/invite it with \/invite @vigil/);
    const shared = fake.files().filter((f) => f.channel === 'C0OUTSIDE');
    expect(shared).toEqual([]);
  });

  it('a Slack outage on the first step is retryable; a bad token is not', async () => {
    fake.failStatus(503, { times: 1, method: 'files.getUploadURLExternal' });
    const outage = await uploadReplyImage(client(), 'C0OPS', image, { slackApiUrl: fake.apiUrl }).catch(
      (e: unknown) => e as ChatDeliveryError,
    );
    expect(outage).toBeInstanceOf(ChatDeliveryError);
    expect((outage as ChatDeliveryError).retryable).toBe(true);
    const wrong = createSlackWebClient({ botToken: 'xoxb-wrong', apiUrl: fake.apiUrl }, { timeoutMs: 2000 });
    const refused = await uploadReplyImage(wrong, 'C0OPS', image, { slackApiUrl: fake.apiUrl }).catch(
      (e: unknown) => e as ChatDeliveryError,
    );
    expect((refused as ChatDeliveryError).retryable).toBe(false);
  });

  it("sends bytes only to Slack's file host or the configured API origin", () => {
    const api = fake.apiUrl;
    expect(isAllowedUploadUrl('https://files.slack.com/upload/v1/abc', 'https://slack.com/api/')).toBe(true);
    expect(isAllowedUploadUrl(`${fake.origin}/upload/F1`, api)).toBe(true);
    expect(isAllowedUploadUrl('http://files.slack.com/upload/v1/abc', 'https://slack.com/api/')).toBe(false);
    expect(isAllowedUploadUrl('https://evil.example/upload', 'https://slack.com/api/')).toBe(false);
    expect(isAllowedUploadUrl('https://u:p@files.slack.com/x', 'https://slack.com/api/')).toBe(false);
  });

  it("the fake also serves the SDK's own filesUploadV2 (multipart upload), so its wire shape is Slack's", async () => {
    const result = await client().filesUploadV2({
      channel_id: 'C0OPS',
      file: Buffer.from(image.png),
      filename: 'sdk.png',
      title: 'via the SDK helper',
    });
    expect(result.ok).toBe(true);
    const file = fake.files().find((f) => f.filename === 'sdk.png')!;
    expect(Buffer.from(file.bytes!).equals(Buffer.from(image.png))).toBe(true);
    expect(file.channel).toBe('C0OPS');
  });
});
