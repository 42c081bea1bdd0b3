import type { ReplyMessage } from '../src/chat/chat-message.js';
import { listedChecks } from '../src/checks/check-names.js';
import type { ChatPlatformName } from '../src/domain/alert.js';
import { buildReply, type ReplySection } from './build-reply.js';
import { commandHint } from './command-hint.js';
import { commandSpecs, specFor, type CommandSpec, type Verb } from './command-specs.js';

export interface HelpOptions {
  /** What was wrong with the command, already safe to show. */
  problem?: string;
  /** The command it was about: its usage is shown instead of the whole list. */
  verb?: Verb;
  /** A likely intended command, e.g. `/k8s certs prod` for `/k8s prod certs`. */
  suggestion?: string;
  clusters?: readonly string[];
}

/** Every command, one line each, in the syntax of the asker's platform. */
export function helpLines(
  platform: ChatPlatformName,
  specs: readonly CommandSpec[] = commandSpecs,
): string[] {
  return specs.map((s) => `${commandHint(platform, s.usage)} — ${s.description}`);
}

/** `/k8s help`, and the answer to anything vigil did not understand (always private). */
export function helpReply(platform: ChatPlatformName, options: HelpOptions = {}): ReplyMessage {
  const sections: ReplySection[] = [];
  if (options.suggestion) sections.push({ lines: [`Did you mean ${options.suggestion}?`] });
  if (options.verb) {
    sections.push({
      lines: [
        `Usage: ${commandHint(platform, specFor(options.verb).usage)}`,
        `${commandHint(platform, 'help')} lists every command.`,
      ],
    });
  } else {
    sections.push({ heading: 'Commands', lines: helpLines(platform) });
    sections.push({
      heading: 'Good to know',
      lines: [
        ...(options.clusters?.length ? [`Clusters: ${options.clusters.join(', ')}.`] : []),
        'Leave the cluster out to see every cluster this channel may see.',
        'Answers come from the latest check run and say how old it is; long ones come in pages (--page 2).',
        'Alert ids are case-insensitive; times are UTC.',
      ],
    });
  }
  return buildReply({
    title: options.problem ? `Sorry, ${options.problem}` : `vigil: Kubernetes ${listedChecks('many')}`,
    sections,
  });
}
