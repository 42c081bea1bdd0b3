import type { FakeMessageStore } from './fake-message-store.js';
import { str } from './parse-slack-body.js';

type Body = Record<string, unknown>;

/** A file as the fake keeps it, from getUploadURLExternal to completeUploadExternal. */
export interface FakeSlackFile {
  id: string;
  filename: string;
  /** The length announced in getUploadURLExternal; the upload must match it. */
  length: number;
  /** Slack's screen-reader text (`alt_txt`, the name Slack documents). */
  altTxt?: string;
  title?: string;
  bytes?: Buffer;
  /** Where completeUploadExternal shared it, and the message it made there. */
  channel?: string;
  ts?: string;
  threadTs?: string;
  initialComment?: string;
}

/**
 * Slack's current upload flow (`files.upload` is retired): files.getUploadURLExternal hands out
 * an upload URL and a file id, the bytes are POSTed there (here: this fake's `/upload/<id>` on
 * loopback, raw or multipart), and files.completeUploadExternal shares the files in a channel,
 * which posts a message carrying them. Errors as Slack names them.
 */
export class FakeFileUploads {
  private readonly files = new Map<string, FakeSlackFile>();
  private next = 1;

  constructor(private readonly origin: () => string) {}

  get(id: string): FakeSlackFile | undefined {
    return this.files.get(id);
  }

  all(): FakeSlackFile[] {
    return [...this.files.values()];
  }

  getUploadUrl(args: Body): Body {
    const filename = str(args['filename']);
    const length = Number(str(args['length']));
    if (!filename || !Number.isInteger(length) || length <= 0)
      return { ok: false, error: 'missing_argument' };
    const alt = str(args['alt_txt']);
    if (alt && alt.length > 1000) return { ok: false, error: 'alt_txt_too_large' };
    const id = `F0FAKE${String(this.next++).padStart(4, '0')}`;
    this.files.set(id, { id, filename, length, ...(alt ? { altTxt: alt } : {}) });
    return { ok: true, upload_url: `${this.origin()}/upload/${id}`, file_id: id };
  }

  /** The POST to an upload URL: HTTP status as Slack's upload service answers. */
  async receive(id: string, raw: Buffer, contentType: string | undefined): Promise<number> {
    const file = this.files.get(id);
    if (!file || file.bytes) return 404;
    let bytes = raw;
    if (contentType?.startsWith('multipart/form-data')) {
      const form = await new Response(raw, { headers: { 'content-type': contentType } }).formData();
      const part = [...form.values()].find((v): v is File => typeof v !== 'string');
      if (!part) return 400;
      bytes = Buffer.from(await part.arrayBuffer());
    }
    if (bytes.length !== file.length) return 400;
    file.bytes = bytes;
    return 200;
  }

  complete(
    args: Body,
    store: FakeMessageStore,
    channelError: (c: string | undefined) => string | undefined,
  ): Body {
    const list = args['files'];
    if (!Array.isArray(list) || list.length === 0) return { ok: false, error: 'invalid_arguments' };
    const files: FakeSlackFile[] = [];
    for (const entry of list as { id?: unknown; title?: unknown }[]) {
      const file = typeof entry?.id === 'string' ? this.files.get(entry.id) : undefined;
      if (!file || !file.bytes) return { ok: false, error: 'file_not_found' };
      if (typeof entry.title === 'string') file.title = entry.title;
      files.push(file);
    }
    const channel = str(args['channel_id']);
    if (channel) {
      const error = channelError(channel);
      if (error) return { ok: false, error };
      const threadTs = str(args['thread_ts']);
      const comment = str(args['initial_comment']);
      const message = store.add({
        channel,
        ...(comment ? { text: comment } : {}),
        ...(threadTs ? { thread_ts: threadTs } : {}),
      });
      for (const f of files) {
        f.channel = channel;
        f.ts = message.ts;
        if (threadTs) f.threadTs = threadTs;
        if (comment) f.initialComment = comment;
      }
    }
    return { ok: true, files: files.map((f) => ({ id: f.id, title: f.title ?? f.filename })) };
  }
}
