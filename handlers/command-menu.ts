import { commandSpecs, type CommandSpec } from './command-specs.js';

export interface MenuCommand {
  title: string;
  description: string;
}

/**
 * The commands a chat client suggests as the user types (the Teams app's command menu, which
 * scripts/build-teams-package.mjs writes into teams/manifest.json): each command that has a menu
 * entry, in help's order, so the menu can never offer a command vigil does not parse.
 */
export function commandMenu(specs: readonly CommandSpec[] = commandSpecs): MenuCommand[] {
  return specs.flatMap((s) => (s.menu ? [{ title: s.menu.title, description: s.menu.description }] : []));
}
