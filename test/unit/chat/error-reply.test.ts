import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { handleAction } from '../../../handlers/handle-action.js';
import { handleCommand } from '../../../handlers/handle-command.js';
import { answerWithin } from '../../../src/chat/answer-within.js';
import type { ReplyMessage } from '../../../src/chat/chat-message.js';
import { errorReply, internalErrorLine } from '../../../src/chat/error-reply.js';
import { VigilError } from '../../../src/domain/vigil-error.js';
import { makeDeps, slackAction, slackCommand, textOf } from '../handlers/handler-fixtures.js';

function recordingLog() {
  const lines: { level: 'warn' | 'error'; fields: Record<string, unknown>; message: string }[] = [];
  return {
    lines,
    warn: (fields: object, message: string) =>
      lines.push({ level: 'warn', fields: fields as Record<string, unknown>, message }),
    error: (fields: object, message: string) =>
      lines.push({ level: 'error', fields: fields as Record<string, unknown>, message }),
  };
}

const ok: ReplyMessage = { kind: 'reply', private: false, title: 'Certificates on prod', sections: [] };

describe('errorReply: the one answer to a failed chat request', () => {
  it('answers an internal error with the generic apology and keeps its message in the log', () => {
    const log = recordingLog();
    const reply = errorReply(new Error('run r1 on prod/certificates lost 5 races with other writers'), log);
    expect(reply).toMatchObject({ kind: 'reply', private: true, title: 'vigil could not answer' });
    expect(textOf(reply)).toContain(internalErrorLine);
    expect(textOf(reply)).not.toContain('races');
    expect(log.lines).toHaveLength(1);
    expect(log.lines[0]!.level).toBe('error');
    expect((log.lines[0]!.fields['err'] as Error).message).toContain('lost 5 races');
  });

  it("shows a VigilError's userMessage, never its detail, and says when a retry can help", () => {
    const log = recordingLog();
    const error = new VigilError('still-starting', 'vigil is still starting.', {
      retryable: true,
      detail: 'schedulers not registered yet',
    });
    const reply = errorReply(error, log, { what: 'command' });
    expect(reply.sections[0]!.lines).toEqual(['vigil is still starting.', 'Try again in a moment.']);
    expect(textOf(reply)).not.toContain('schedulers');
    // The detail is for the log: it is part of the error's message there.
    expect(error.message).toContain('schedulers not registered yet');
    expect(log.lines).toMatchObject([{ level: 'warn', fields: { what: 'command' } }]);
  });

  it('is what handlers answer: a plain Error("lost 5 races") is apologised for, a user error shown', async () => {
    const t = makeDeps();
    t.deps.alerts.get = () => Promise.reject(new Error('lost 5 races'));
    const internal = await handleAction(slackAction({ kind: 'ack', alertId: 'a7k2q' }), t.deps);
    expect(textOf(internal)).toContain(internalErrorLine);
    expect(textOf(internal)).not.toContain('races');
    expect(t.errors).toHaveLength(1);

    // `certs` reads the stored listings (handlers/listing-page.ts), starting with the run summaries.
    t.deps.snapshots.summaries = () =>
      Promise.reject(new VigilError('redis-unreachable', 'vigil cannot reach its Redis right now.'));
    const user = await handleCommand(slackCommand('certs prod'), t.deps);
    expect(user).toMatchObject({ private: true, title: 'vigil could not answer' });
    expect(user.sections[0]!.lines).toEqual(['vigil cannot reach its Redis right now.']);
  });
});

describe('answerWithin: one deadline helper for every platform', () => {
  it('passes a reply in time, and turns a failure in time into the error reply', async () => {
    const log = recordingLog();
    expect(await answerWithin(Promise.resolve(ok), 200, { log })).toEqual({ onTime: true, reply: ok });
    const failed = await answerWithin(Promise.reject(new Error('lost 5 races')), 200, { log });
    expect(failed.onTime).toBe(true);
    expect(failed.onTime && textOf(failed.reply)).toContain(internalErrorLine);
  });

  it('answers the interim reply past the deadline, then hands the late reply over, never before', async () => {
    const log = recordingLog();
    const order: string[] = [];
    const late = new Promise<ReplyMessage>((resolve) => setTimeout(() => resolve(ok), 120));
    const answer = await answerWithin(late, 30, {
      log,
      interim: async () => {
        await sleep(150);
        order.push('interim');
      },
      late: async (reply) => {
        order.push(`late: ${reply.title}`);
      },
    });
    expect(answer).toEqual({ onTime: false });
    await sleep(50);
    expect(order).toEqual(['interim', 'late: Certificates on prod']);
  });

  it('delivers a late failure as the error reply, not the internal message', async () => {
    const log = recordingLog();
    const delivered: ReplyMessage[] = [];
    const work = sleep(60).then(() => {
      throw new Error('lost 5 races');
    });
    const answer = await answerWithin(work, 10, { log, late: async (reply) => void delivered.push(reply) });
    expect(answer.onTime).toBe(false);
    await sleep(120);
    expect(delivered.map(textOf)).toEqual([expect.stringContaining(internalErrorLine)]);
    expect(delivered.map(textOf).join()).not.toContain('races');
    expect(log.lines.map((l) => l.level)).toEqual(['error']);
  });
});
