import { ConfigError, type ConfigProblem } from '../domain/config-error.js';
import type { ChatPlatformModule } from './platform-module.js';
import { slackModule } from './slack/slack-module.js';
import { teamsModule } from './teams/teams-module.js';
import { webModule } from './web/web-module.js';

/**
 * Every chat platform vigil can run, in the order destinations are listed. Adding a platform is its
 * folder (src/chat/<name>/, exporting a ChatPlatformModule) plus its entry here: vigil.yaml's keys,
 * the environment, the command hints and `vigil serve` all loop over this list.
 */
export const chatPlatforms = [slackModule, teamsModule, webModule] as const;

/** `slack` | `teams`: derived from the list, so a new platform's name is known everywhere at once. */
export type ChatPlatformName = (typeof chatPlatforms)[number]['name'];

type SettingsOf<M> = M extends ChatPlatformModule<string, infer S> ? S : never;

/** Each platform's settings, present for the platforms to run (read from the environment by `vigil serve`). */
export type ChatPlatformSettings = {
  [M in (typeof chatPlatforms)[number] as M['name']]?: SettingsOf<M>;
};

/** The list with each module's settings type erased, for loops that handle every platform alike. */
export type AnyChatPlatformModule = ChatPlatformModule<ChatPlatformName>;

const modules: readonly AnyChatPlatformModule[] = chatPlatforms;

export const chatPlatformNames: readonly ChatPlatformName[] = chatPlatforms.map((m) => m.name);

/**
 * Narrows a platform name from below the chat layer (the domain types it as a plain string) to one
 * the list knows, so per-platform config maps can be indexed; unknown names are a bug in an adapter.
 */
export function knownPlatform(name: string): ChatPlatformName {
  if (!chatPlatformNames.includes(name as ChatPlatformName))
    throw new Error(`no chat platform named ${name}`);
  return name as ChatPlatformName;
}

/** The module of a platform by name. */
export function chatPlatformModule(name: string): AnyChatPlatformModule {
  const found = modules.find((m) => m.name === name);
  if (!found) throw new Error(`no chat platform module named ${name}`);
  return found;
}

/** One value per platform, keyed by its name. */
export type PerPlatform<T> = { [K in ChatPlatformName]: T };

/** One value per platform, keyed by its name: how vigil.yaml's per-platform keys are built. */
export function perPlatform<T>(make: (module: AnyChatPlatformModule) => T): PerPlatform<T> {
  return Object.fromEntries(modules.map((m) => [m.name, make(m)])) as PerPlatform<T>;
}

/**
 * The settings of every platform the environment turns on (any of its variables set), each then
 * read in full; the problems of all platforms are reported at once.
 */
export function readChatPlatformSettings(env: NodeJS.ProcessEnv = process.env): ChatPlatformSettings {
  const settings: Record<string, unknown> = {};
  const problems: ConfigProblem[] = [];
  for (const m of modules) {
    if (!m.env.wanted(env)) continue;
    try {
      settings[m.name] = m.env.read(env);
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      problems.push(...error.problems);
    }
  }
  if (problems.length > 0) throw new ConfigError('environment', problems);
  return settings as ChatPlatformSettings;
}

/** The platforms to run, in list order, each with its settings. */
export function configuredPlatforms(
  settings: ChatPlatformSettings,
): { module: AnyChatPlatformModule; settings: unknown }[] {
  const given = settings as Readonly<Record<string, unknown>>;
  return modules.flatMap((m) =>
    given[m.name] === undefined ? [] : [{ module: m, settings: given[m.name] }],
  );
}
