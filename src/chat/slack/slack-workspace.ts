import type { SlackRequestOrigin } from './slack-inbound-body.js';

/**
 * The Slack workspace (team) vigil is installed in, learned from auth.test at start-up, and the app
 * id from SLACK_APP_ID when set. A signing secret belongs to the app, not to one installation: an
 * app installed in two workspaces receives validly signed requests from both, so the signature alone
 * does not say a button press came from the workspace whose alerts vigil posts.
 */
export interface SlackWorkspace {
  teamId: string;
  appId?: string;
}

/** Why a request must be refused for where it comes from, or undefined when it is ours. */
export function foreignOrigin(origin: SlackRequestOrigin, workspace: SlackWorkspace): string | undefined {
  if (origin.teamId !== workspace.teamId) return 'it comes from another Slack workspace';
  if (workspace.appId !== undefined && origin.appId !== workspace.appId)
    return 'it is meant for another Slack app';
  return undefined;
}

/** An id from a request, fit for a log line: Slack ids are short upper-case words. */
export function loggableSlackId(id: string | undefined): string | undefined {
  return id === undefined ? undefined : id.replace(/[^A-Za-z0-9]/g, '').slice(0, 24);
}
