import { logger } from '../../logger.js';
import type { ChatPlatformModule } from '../platform-module.js';
import type { WebChatOptions } from './create-web-chat.js';
import { readWebEnv, webEnvPresent, type WebEnv } from './web-env.js';
import { webYaml } from './web-yaml.js';

/**
 * The web chat's settings: its environment (web-env.ts), and what a caller composing vigil in code
 * adds (the demo's title, quick commands, and its ear on every message, src/demo/start-demo.ts).
 */
export interface WebSettings extends WebEnv, Pick<WebChatOptions, 'title' | 'quickCommands' | 'onMessage'> {}

/**
 * vigil's own web chat as a chat platform (src/chat/platform-module.ts): a page on vigil's HTTP
 * port, its rooms the `web:` destinations of the routes. Nobody vouches for the names typed into
 * it, so no permission list can name its users (`verifiesUsers: false`, web-yaml.ts). Light like
 * the others: the page and the board load only when `vigil serve` creates the platform.
 */
export const webModule: ChatPlatformModule<'web', Readonly<WebSettings>> = {
  name: 'web',
  // The command box takes the words alone: `certs prod`.
  commandPrefix: '',
  env: {
    wanted: webEnvPresent,
    read: readWebEnv,
    setup: 'VIGIL_WEB=1 (the web chat; VIGIL_WEB_TOKEN too when HOST is not a loopback address)',
  },
  yaml: webYaml,
  verifiesUsers: false,
  async create(settings, context) {
    const { createWebChat } = await import('./create-web-chat.js');
    const web = createWebChat({
      ...settings,
      rooms: context.destinations,
      bindHost: context.httpHost,
      onCommand: (request) => context.onCommand(request),
      onAction: (request) => context.onAction(request),
      now: () => context.now(),
      log: logger.child({ component: 'web' }),
    });
    return {
      platform: web.platform,
      routes: web.routes,
      // No credentials to prove: the token (if any) is checked on every request, and refusing to
      // listen beyond loopback without one already happened in createWebChat.
      async checkAuth() {},
    };
  },
};
