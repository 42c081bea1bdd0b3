import type { Activity, ConversationReference, TurnContext } from 'botbuilder';
import { classifyTeamsError } from './classify-teams-error.js';
import type { TeamsAdapter } from './create-teams-adapter.js';

export interface ProactiveTarget {
  reference: Partial<ConversationReference>;
  /** Overrides the reference's conversation id, e.g. `…;messageid=123` to write in a channel thread. */
  conversationId?: string;
  /** Named in errors: the alias, or the conversation id when there is none. */
  name: string;
}

/**
 * Runs one proactive turn (CloudAdapter.continueConversationAsync) for a stored conversation and
 * hands it to `act`. botbuilder marks every activity of such a turn as a reply to the synthetic
 * "continue conversation" event (a random id), which would make it POST to
 * `/activities/{random id}`; the hooks below drop that `replyToId` so a new message is a plain
 * `POST /v3/conversations/{id}/activities` and an edit a plain PUT. Failures leave classified.
 */
export async function withProactiveTurn<T>(
  teams: TeamsAdapter,
  target: ProactiveTarget,
  operation: string,
  act: (context: TurnContext) => Promise<T>,
): Promise<T> {
  const conversation = {
    ...(target.reference.conversation ?? {}),
    ...(target.conversationId ? { id: target.conversationId } : {}),
  } as ConversationReference['conversation'];
  const reference = { ...target.reference, conversation } as ConversationReference;
  let result: { value: T } | undefined;
  try {
    await teams.adapter.continueConversationAsync(teams.appId, reference, async (context) => {
      context.onSendActivities(async (_ctx, activities, next) => {
        for (const a of activities) delete a.replyToId;
        return next();
      });
      context.onUpdateActivity(async (_ctx, activity, next) => {
        delete activity.replyToId;
        return next();
      });
      result = { value: await act(context) };
    });
  } catch (error) {
    throw classifyTeamsError(error, { operation, alias: target.name });
  }
  if (!result)
    throw classifyTeamsError(new Error('the proactive turn did not run'), { operation, alias: target.name });
  return result.value;
}

/** Sends activities in order in one proactive turn; returns the ids Teams gave them. */
export async function sendProactive(
  teams: TeamsAdapter,
  target: ProactiveTarget,
  activities: Partial<Activity>[],
  operation: string,
): Promise<string[]> {
  return withProactiveTurn(teams, target, operation, async (context) => {
    const ids: string[] = [];
    for (const activity of activities) {
      const response = await context.sendActivity(activity);
      ids.push(response?.id ?? '');
    }
    return ids;
  });
}
