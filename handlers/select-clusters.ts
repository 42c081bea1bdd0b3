import type { ReplyMessage } from '../src/chat/chat-message.js';
import type { HandlerDeps } from './handler-deps.js';
import { buildReply } from './build-reply.js';
import { echo } from '../src/chat/clean-text.js';
import { mayQuery, type Requester } from './permissions.js';
import { refuse } from './refuse.js';

export type ClusterSelection =
  | {
      ok: true;
      clusters: string[];
      /** Clusters left out because this channel may not query them. */ hidden: string[];
    }
  | { ok: false; reply: ReplyMessage };

export function knownClusters(deps: HandlerDeps): string[] {
  return deps.config.clusters.map((c) => c.name);
}

/** `Unknown cluster "xyz". Known clusters: prod, staging.` */
export function unknownClusterReply(word: string, deps: HandlerDeps): ReplyMessage {
  return buildReply({
    title: `Unknown cluster ${echo(word)}`,
    sections: [{ lines: [`Known clusters: ${knownClusters(deps).join(', ')}.`] }],
  });
}

/**
 * The clusters a query covers: the one named (if this channel may see it), or every cluster this
 * channel may see. Refusals are audited under `refused:<action>`.
 */
export async function selectClusters(
  action: string,
  word: string | undefined,
  request: Requester,
  deps: HandlerDeps,
): Promise<ClusterSelection> {
  const perms = deps.config.permissions;
  if (word !== undefined) {
    const name = word.toLowerCase();
    if (!knownClusters(deps).includes(name)) return { ok: false, reply: unknownClusterReply(word, deps) };
    const decision = mayQuery(perms, name, request);
    if (!decision.allowed) {
      return {
        ok: false,
        reply: await refuse(deps, request, {
          action,
          what: `${action} for ${name} in this channel`,
          cluster: name,
          ...decision,
        }),
      };
    }
    return { ok: true, clusters: [name], hidden: [] };
  }
  const clusters: string[] = [];
  const hidden: string[] = [];
  for (const name of knownClusters(deps))
    (mayQuery(perms, name, request).allowed ? clusters : hidden).push(name);
  if (clusters.length === 0) {
    return {
      ok: false,
      reply: await refuse(deps, request, {
        action,
        what: `${action} in this channel`,
        reason: `every cluster is restricted to other channels (${hidden.join(', ')})`,
        grant: `Ask in a cluster's own channel, or ask ${perms.contact ?? 'whoever administers vigil'} to add this channel (${request.channel}) under permissions.clusters in vigil.yaml.`,
      }),
    };
  }
  return { ok: true, clusters, hidden };
}
