/** An activity the bot sent, as the fake connector keeps it. */
export interface FakeActivity {
  id: string;
  /** Base conversation id (without `;messageid=`). */
  conversationId: string;
  /** The root message of the thread it was posted in (channel replies), if any. */
  threadId?: string;
  type: string;
  text?: string;
  textFormat?: string;
  summary?: string;
  attachments?: { contentType: string; content: unknown }[];
  replyToId?: string;
  /** How many times it was edited (PUT). */
  edits: number;
  /** Earlier versions, oldest first. */
  history: Omit<FakeActivity, 'history'>[];
}

/** Activities per conversation, in the order the bot created them. */
export class ConnectorActivities {
  private readonly byId = new Map<string, FakeActivity>();
  private readonly order: string[] = [];
  private next: number;

  constructor(start: number) {
    // Teams activity ids are numeric strings (epoch milliseconds); keep that shape.
    this.next = start;
  }

  create(conversationId: string, threadId: string | undefined, body: Record<string, unknown>): FakeActivity {
    const id = String(this.next++);
    const activity: FakeActivity = {
      ...fields(body),
      id,
      conversationId,
      ...(threadId ? { threadId } : {}),
      edits: 0,
      history: [],
    };
    this.byId.set(id, activity);
    this.order.push(id);
    return activity;
  }

  update(conversationId: string, id: string, body: Record<string, unknown>): FakeActivity | undefined {
    const current = this.byId.get(id);
    if (!current || current.conversationId !== conversationId) return undefined;
    const { history, ...previous } = current;
    const updated: FakeActivity = {
      ...fields(body),
      id,
      conversationId,
      ...(current.threadId ? { threadId: current.threadId } : {}),
      edits: current.edits + 1,
      history: [...history, previous],
    };
    this.byId.set(id, updated);
    return updated;
  }

  get(id: string): FakeActivity | undefined {
    return this.byId.get(id);
  }

  /** Every activity, in creation order. */
  all(): FakeActivity[] {
    return this.order.map((id) => this.byId.get(id)!);
  }
}

function fields(body: Record<string, unknown>) {
  const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
  const out: Pick<FakeActivity, 'type' | 'text' | 'textFormat' | 'summary' | 'attachments' | 'replyToId'> = {
    type: str(body['type']) ?? 'message',
  };
  const text = str(body['text']);
  if (text !== undefined) out.text = text;
  const textFormat = str(body['textFormat']);
  if (textFormat) out.textFormat = textFormat;
  const summary = str(body['summary']);
  if (summary) out.summary = summary;
  const replyToId = str(body['replyToId']);
  if (replyToId) out.replyToId = replyToId;
  if (Array.isArray(body['attachments']))
    out.attachments = body['attachments'] as FakeActivity['attachments'];
  return out;
}
