import {
  TeamsActivityHandler,
  TurnContext,
  type Activity,
  type AdaptiveCardInvokeResponse,
  type AdaptiveCardInvokeValue,
  type InvokeResponse,
} from 'botbuilder';
import type { Actor } from '../../domain/alert.js';
import { logger } from '../../logger.js';
import { answerWithin, workingOnItReply } from '../answer-within.js';
import type { ActionRequest, AlertMessage, CommandRequest, ReplyMessage } from '../chat-message.js';
import type { ConversationStore, StoredConversation } from '../conversation-store.js';
import { errorReply } from '../error-reply.js';
import { cardResponse, errorResponse, messageResponse, textOf } from './invoke-responses.js';
import { cardActivity, plainTextActivity } from './teams-activities.js';
import { commandText } from './command-text.js';
import { aliasCommand, conversationFacts, isAliasCommand, isHelpCommand } from './conversation-commands.js';
import { baseConversationId, describeConversation } from './conversation-naming.js';
import type { TeamsAdapter } from './create-teams-adapter.js';
import { renderAlertCard } from './render-alert-card.js';
import { renderReplyCards } from './render-reply-card.js';
import { sendProactive } from './send-proactive.js';
import { decodeExecuteAction } from './teams-action-verbs.js';
import { UserPrincipalCache } from './user-principal-cache.js';

export interface TeamsInboundHandlers {
  onCommand(req: CommandRequest): Promise<ReplyMessage>;
  onAction(req: ActionRequest): Promise<ReplyMessage | void>;
  /**
   * The alert as it is now (after the action): the invoke response shows it to the person who
   * pressed the button at once; everyone else sees the outbox's edit moments later. Without it the
   * presser gets the handler's answer as a short message and waits for the edit too.
   */
  loadAlert?(alertId: string): Promise<AlertMessage | null>;
  /** Who may rename a conversation's alias (`@vigil alias NAME`); everyone in it when absent. */
  mayRenameConversation?(who: { user: Actor; userPrincipalName?: string }): boolean | Promise<boolean>;
}

export interface TeamsBotOptions extends TeamsInboundHandlers {
  teams: TeamsAdapter;
  conversations: ConversationStore;
  userPrincipals?: UserPrincipalCache;
  now?: () => Date;
  /** Teams gives a message turn about 15 s; past this the answer follows as a separate message. */
  commandDeadlineMs?: number;
  /** An Action.Execute invoke must be answered within a few seconds, or Teams shows an error. */
  actionDeadlineMs?: number;
}

const log = logger.child({ component: 'teams-inbound' });
const guid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The inbound side: @mention commands in channels and chats, Acknowledge / Snooze / Chart Universal Actions,
 * and installation events, which are the only way vigil learns a conversation it may later post to.
 * Handlers are platform-neutral; this class only translates (ARCHITECTURE.md house rule 2). Errors are caught here:
 * a failing turn would make botbuilder answer 500 and Teams retry the same activity.
 */
export class TeamsBot extends TeamsActivityHandler {
  private readonly now: () => Date;
  private readonly upns: UserPrincipalCache;

  constructor(private readonly options: TeamsBotOptions) {
    super();
    this.now = options.now ?? (() => new Date());
    this.upns = options.userPrincipals ?? new UserPrincipalCache();
    this.onMessage(async (context, next) => {
      if (this.fromOurTenant(context)) await this.guard('message', () => this.handleMessage(context));
      await next();
    });
    this.onConversationUpdate(async (context, next) => {
      if (this.fromOurTenant(context))
        await this.guard('conversationUpdate', () => this.handleMembership(context));
      await next();
    });
    this.onInstallationUpdate(async (context, next) => {
      if (this.fromOurTenant(context))
        await this.guard('installationUpdate', () => this.handleInstallation(context));
      await next();
    });
  }

  /**
   * botbuilder reads `value.action.type` of an `adaptiveCard/action` invoke unchecked: one without an
   * action object threw a TypeError that the adapter answered 500, which Teams retries (found by
   * test/fuzz/teams-inbound.test.ts). It is refused here as the bad request it is.
   */
  protected override async onInvokeActivity(context: TurnContext): Promise<InvokeResponse> {
    const value: unknown = context.activity.value;
    const action = value && typeof value === 'object' ? (value as { action?: unknown }).action : undefined;
    if (context.activity.name === 'adaptiveCard/action' && value && (!action || typeof action !== 'object')) {
      const body = errorResponse(400, 'BadRequest', 'An Action.Execute invoke must carry its action.');
      return { status: 400, body };
    }
    return super.onInvokeActivity(context);
  }

  protected override async onAdaptiveCardInvoke(
    context: TurnContext,
    invokeValue: AdaptiveCardInvokeValue,
  ): Promise<AdaptiveCardInvokeResponse> {
    if (!this.fromOurTenant(context))
      return errorResponse(403, 'Forbidden', 'This vigil does not serve your organisation.');
    const action = decodeExecuteAction(invokeValue.action ?? {});
    if (!action) {
      log.warn(
        { verb: String(invokeValue.action?.verb).slice(0, 40) },
        'ignored an Action.Execute that is not a valid vigil action',
      );
      return errorResponse(400, 'BadRequest', 'That button is not one of vigil’s, or its data is damaged.');
    }
    try {
      const request: ActionRequest = { platform: 'teams', action, ...(await this.requester(context)) };
      // A late action's outcome reaches everyone as the outbox's edit of the card; a late failure is
      // logged. A late chart (rendering a big cluster's picture) follows as a proactive message.
      // Read now: the turn context is revoked once the invoke has been answered.
      const reference = TurnContext.getConversationReference(context.activity);
      const conversationName = baseConversationId(context.activity.conversation.id);
      const answer = await answerWithin<ReplyMessage | void>(
        this.options.onAction(request),
        this.options.actionDeadlineMs ?? 4000,
        {
          log,
          context: { what: 'action', platform: 'teams' },
          ...(action.kind === 'chart'
            ? {
                late: async (reply: ReplyMessage | void) => {
                  if (!reply || reply.private) return;
                  await sendProactive(
                    this.options.teams,
                    { reference, name: conversationName },
                    renderReplyCards(reply).map(cardActivity),
                    'respond',
                  );
                },
              }
            : {}),
        },
      );
      if (!answer.onTime) {
        return messageResponse(
          action.kind === 'chart'
            ? 'Drawing the chart: it follows in the conversation.'
            : 'Working on it: the card updates for everyone when it is done.',
        );
      }
      const reply = answer.reply;
      if (action.kind === 'chart') return await this.answerChart(context, reply);
      const alert = await this.options.loadAlert?.(action.alertId).catch((error: unknown) => {
        log.warn({ err: error, alertId: action.alertId }, 'could not load the alert for the invoke response');
        return null;
      });
      if (!alert) return messageResponse(reply ? textOf(reply) : 'Done.');
      // Replaces the card for the presser only; the outbox's edit replaces it for everyone.
      const note = reply ? { title: reply.title, lines: reply.sections.flatMap((s) => s.lines) } : undefined;
      return cardResponse(renderAlertCard(alert, this.now(), note));
    } catch (error) {
      return messageResponse(textOf(errorReply(error, log, { what: 'action', platform: 'teams' })));
    }
  }

  /**
   * The Chart button's answer is a reply like `@vigil certs prod --chart`: a public one goes into
   * the conversation (an invoke response reaches only the presser and would replace the alert card
   * for them), a private one (a refusal) is shown to the presser only.
   */
  private async answerChart(
    context: TurnContext,
    reply: ReplyMessage | void,
  ): Promise<AdaptiveCardInvokeResponse> {
    if (!reply) return messageResponse('Done.');
    if (reply.private) return messageResponse(textOf(reply));
    await this.replyInTurn(context, reply);
    return messageResponse('The chart is posted in the conversation.');
  }

  private async handleMessage(context: TurnContext): Promise<void> {
    const text = commandText(context.activity);
    const current = await this.remember(context);
    const conversationId = baseConversationId(context.activity.conversation.id);
    if (isAliasCommand(text)) {
      const who = await this.requester(context);
      const mayRename = (await this.options.mayRenameConversation?.(who)) ?? true;
      const reply = await aliasCommand(text, {
        conversations: this.options.conversations,
        current,
        conversationId,
        mayRename,
        now: this.now(),
      });
      if (mayRename && current)
        log.warn(
          { user: who.user.id, conversationId, text: text.slice(0, 80) },
          'Teams conversation alias change requested',
        );
      await this.replyInTurn(context, reply);
      return;
    }
    const reference = TurnContext.getConversationReference(context.activity);
    const request: CommandRequest = {
      platform: 'teams',
      text,
      ...(await this.requester(context)),
      // Later answers (`check`) go to the same thread, proactively: the turn is long over by then.
      respond: async (reply) => {
        await sendProactive(
          this.options.teams,
          { reference, name: current?.alias ?? conversationId },
          renderReplyCards(reply).map(cardActivity),
          'respond',
        );
      },
    };
    const answer = await answerWithin(
      this.options.onCommand(request),
      this.options.commandDeadlineMs ?? 10_000,
      {
        log,
        context: { what: 'command', platform: 'teams' },
        interim: () => this.replyInTurn(context, workingOnItReply),
        late: async (reply) => request.respond?.(reply),
      },
    );
    if (!answer.onTime) return;
    let reply = answer.reply;
    if (isHelpCommand(text))
      reply = { ...reply, sections: [...reply.sections, conversationFacts(current, conversationId)] };
    await this.replyInTurn(context, reply);
  }

  /** conversationUpdate: the bot joining stores the conversation and says hello; leaving forgets it. */
  private async handleMembership(context: TurnContext): Promise<void> {
    const { activity } = context;
    const botId = activity.recipient?.id;
    if (activity.membersRemoved?.some((m) => m.id === botId)) {
      await this.forget(context);
      return;
    }
    if (!activity.membersAdded?.some((m) => m.id === botId)) return;
    const stored = await this.remember(context);
    if (!stored) return;
    await context.sendActivity(
      plainTextActivity(
        `vigil is here. Route Kubernetes alerts to this conversation with teams: [${stored.alias}] in vigil.yaml; @vigil help lists the commands.`,
      ),
    );
  }

  private async handleInstallation(context: TurnContext): Promise<void> {
    const action = String(context.activity.action ?? '');
    if (action.startsWith('remove')) await this.forget(context);
    else if (action.startsWith('add')) await this.remember(context);
  }

  /** Stores or refreshes this activity's conversation (the service URL may have moved). */
  private async remember(context: TurnContext): Promise<StoredConversation | undefined> {
    const { details, aliases } = describeConversation(context.activity);
    try {
      return await this.options.conversations.remember(details, aliases, this.now());
    } catch (error) {
      log.error(
        { err: error, conversationId: details.conversationId },
        'could not store the Teams conversation',
      );
      return undefined;
    }
  }

  /** The bot was removed: forget the conversation, and for a team every channel stored for it. */
  private async forget(context: TurnContext): Promise<void> {
    const conversationId = baseConversationId(context.activity.conversation.id);
    const teamId = (context.activity.channelData as { team?: { id?: string } } | undefined)?.team?.id;
    const store = this.options.conversations;
    const gone = await store.forget(conversationId);
    const siblings = teamId ? (await store.list()).filter((c) => c.teamId === teamId) : [];
    for (const c of siblings) await store.forget(c.conversationId);
    const aliases = [gone?.alias, ...siblings.map((c) => c.alias)].filter(Boolean);
    log.warn(
      { conversationId, aliases },
      'vigil was removed from a Teams conversation; routes naming these aliases now fail',
    );
  }

  private async requester(
    context: TurnContext,
  ): Promise<Pick<CommandRequest, 'user' | 'channel' | 'userPrincipalName'>> {
    const from = context.activity.from;
    // Permissions match the Entra object id (or UPN), never the display name, which users can change.
    const user: Actor = {
      kind: 'teams',
      id: from?.aadObjectId ?? from?.id ?? 'unknown',
      ...(from?.name ? { name: from.name } : {}),
    };
    const userPrincipalName = await this.upns.forSender(context);
    return {
      user,
      channel: baseConversationId(context.activity.conversation.id),
      ...(userPrincipalName ? { userPrincipalName } : {}),
    };
  }

  /** Answers inside the turn: in a channel the conversation id carries the thread, so it lands there. */
  private async replyInTurn(context: TurnContext, reply: ReplyMessage): Promise<void> {
    for (const card of renderReplyCards(reply)) await context.sendActivity(cardActivity(card));
  }

  /** Single-tenant and MSI bots answer their own tenant only; a sideloaded copy elsewhere is ignored. */
  private fromOurTenant(context: TurnContext): boolean {
    const expected = this.options.teams.tenantId;
    if (!expected || !guid.test(expected)) return true;
    const activity: Partial<Activity> = context.activity;
    const tenant =
      (activity.channelData as { tenant?: { id?: string } } | undefined)?.tenant?.id ??
      activity.conversation?.tenantId;
    if (!tenant || tenant.toLowerCase() === expected.toLowerCase()) return true;
    log.warn({ tenant, type: activity.type }, 'ignored a Teams activity from another tenant');
    return false;
  }

  private async guard(what: string, run: () => Promise<void>): Promise<void> {
    try {
      await run();
    } catch (error) {
      log.error({ err: error, activity: what }, 'a Teams activity could not be handled');
    }
  }
}
