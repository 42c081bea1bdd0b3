import type { ZodType } from 'zod';
import type { HttpRoute } from '../http/http-route.js';
import type { ActionRequest, AlertMessage, CommandRequest, ReplyMessage } from './chat-message.js';
import type { ChatPlatform } from './chat-platform.js';
import type { ConversationStore } from './conversation-store.js';
import type { EnvelopeDedupe } from './envelope-dedupe.js';
import type { ReplayGuard } from './replay-guard.js';

/**
 * A chat platform as vigil runs it: everything about it lives in its folder (src/chat/<name>/) and
 * is reached through this shape, so adding a platform is its folder plus one entry in
 * src/chat/platforms.ts. The module object itself must stay light (no SDK import): vigil.yaml's
 * schema and the handlers' command hints read it in `vigil check` too. `create` loads the SDK.
 */
export interface ChatPlatformModule<Name extends string = string, Settings = unknown> {
  /** How vigil.yaml, posted refs, audit origins and job ids name it: `slack`, `teams`. */
  readonly name: Name;
  /** How a user types a command here (`/k8s`, `@vigil`): the hints in replies use it. */
  readonly commandPrefix: string;
  /** The environment that turns it on; secrets live there only, never in vigil.yaml. */
  readonly env: ChatPlatformEnv<Settings>;
  /** Its keys in vigil.yaml (`alerts.routes[].<name>`, `permissions.*.<name>`, `outbox.minIntervalMs.<name>`). */
  readonly yaml: ChatPlatformYaml;
  /**
   * `false` for a platform that cannot tell who is asking or where (the web chat: a name typed into
   * a page). Its `yaml.user`, `group` and `channel` then accept nothing, so no permission list names
   * its people: a configured list refuses them, a restricted cluster does not answer there, and
   * handlers/permissions.ts words those refusals without suggesting an entry no list can hold.
   * Absent: the platform vouches for its users (Slack signs every request, the Bot Framework every
   * activity).
   */
  readonly verifiesUsers?: false;
  /** Builds the running platform from its settings; called once by `vigil serve` (src/app.ts). */
  create(settings: Settings, context: ChatPlatformContext): Promise<RunningChatPlatform>;
}

export interface ChatPlatformEnv<Settings> {
  /** Whether any of its variables is set: the platform is then wanted and `read` must succeed. */
  wanted(env: NodeJS.ProcessEnv): boolean;
  /** Reads and checks its variables, throwing one ConfigError with every problem. */
  read(env: NodeJS.ProcessEnv): Settings;
  /** What to set to turn it on, for the "needs a chat platform" error: `SLACK_BOT_TOKEN and … (Slack)`. */
  readonly setup: string;
}

/** Validation of the platform's ids in vigil.yaml, each message naming the id's shape and where to find it. */
export interface ChatPlatformYaml {
  /** One entry of `alerts.routes[].<name>` and `alerts.defaultRoute.<name>`: where alerts are posted. */
  destination: ZodType<string>;
  /** How a route names one, for "a route needs at least one destination: add slack: [C0123ABCD]". */
  destinationExample: string;
  /** One entry of `permissions.….<name>.users`: an id its owner cannot change (never a display name). */
  user: ZodType<string>;
  /** One entry of `permissions.….<name>.groups`. */
  group: ZodType<string>;
  /** One entry of `permissions.clusters.NAME.channels.<name>`: where a restricted cluster answers. */
  channel: ZodType<string>;
  /** Default of `outbox.minIntervalMs.<name>`: the pace the platform sustains per destination. */
  minIntervalMs: number;
}

/** What vigil gives a platform to run with; platform-neutral, the same for every platform. */
export interface ChatPlatformContext {
  /** A command or button press, parsed out of the platform's envelope (handlers/). */
  onCommand(request: CommandRequest): Promise<ReplyMessage>;
  onAction(request: ActionRequest): Promise<ReplyMessage | void>;
  /** The alert as it is now, rendered platform-neutrally; null if there is none. */
  loadAlert(alertId: string): Promise<AlertMessage | null>;
  /** This platform's own conversations (in Redis, under its name), for platforms that must remember them. */
  conversations: ConversationStore;
  /** Shared memory of requests already acted on, for platforms whose requests can be replayed. */
  replayGuard: ReplayGuard;
  /** The user-group ids vigil.yaml's permissions name for this platform: all a platform must resolve. */
  userGroupIds: readonly string[];
  /**
   * Shared by every replica (in Redis, under its name): for a platform that may hand the same
   * delivery over twice (Slack Socket Mode's retries), so only one replica handles it.
   */
  envelopes: EnvelopeDedupe;
  /**
   * Every destination vigil.yaml routes this platform's alerts to (`alerts.routes[].<name>`,
   * `alerts.defaultRoute.<name>`), each once, in order: for a platform whose destinations are its
   * own to create (the web chat's rooms).
   */
  destinations: readonly string[];
  /**
   * The address vigil's HTTP server listens on (HOST): a platform whose routes serve people directly
   * (the web chat's page) decides from it whether other machines can reach them.
   */
  httpHost: string;
  now(): Date;
}

/** Whether a running platform can take inbound work now; `/readyz` reports `detail` when it cannot. */
export interface ChatPlatformStatus {
  ready: boolean;
  /** What is wrong, for an operator: `Socket Mode disconnected (refresh_requested), reconnecting`. */
  detail?: string;
}

/**
 * A created platform: the outbound port, the inbound routes, the start-up credential check, and for a
 * platform that connects out itself (Slack Socket Mode) its connection's lifecycle.
 */
export interface RunningChatPlatform {
  /** What the outbox delivers through. */
  readonly platform: ChatPlatform;
  /** Mounted on vigil's one HTTP server (src/http); empty for one that connects out (Slack Socket Mode). */
  readonly routes: readonly HttpRoute[];
  /**
   * Proves the credentials work, once before vigil serves: wrong ones are a start-up error, not
   * something to discover at the first alert. Rejects with a VigilError naming what to fix.
   */
  checkAuth(): Promise<void>;
  /**
   * Opens what the platform keeps open by itself (Slack Socket Mode's WebSocket), once the queue runs,
   * since inbound work needs it. Rejects with a VigilError only for what retrying cannot fix (a
   * refused token); anything else it keeps retrying, visible through `status()`.
   */
  start?(): Promise<void>;
  /** Asked by `/readyz` on every probe. Absent: ready whenever vigil is (a route has nothing to lose). */
  status?(): ChatPlatformStatus;
  /** Closes what `start()` opened, first thing when vigil stops, so no new work arrives. */
  stop?(): Promise<void>;
  /**
   * Of the destinations vigil.yaml routes alerts to, those the platform cannot post to yet because
   * nobody has added vigil there (Teams conversations): warned about at start-up, and their alerts
   * are held until they can be. Absent when every destination is reachable by its id (Slack).
   */
  unregisteredDestinations?(destinations: readonly string[]): Promise<string[]>;
}
