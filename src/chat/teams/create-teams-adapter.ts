import { CloudAdapter } from 'botbuilder';
import { insecureDevVariable, type TeamsEnv } from './teams-env.js';
import { logger } from '../../logger.js';
import { GuardedAuthentication } from './guarded-authentication.js';
import { tuneConnectorClients } from './tune-connector-client.js';

export interface TeamsAdapterOptions {
  /** Per-request timeout of Bot Connector calls (post, update, member lookup). */
  requestTimeoutMs?: number;
  /**
   * Tests only: where the signing keys of inbound JWTs are published (OpenID metadata), so a test can
   * sign tokens with its own key. Everything else stays the Bot Framework public cloud.
   */
  openIdMetadataUrl?: string;
}

export interface TeamsAdapter {
  readonly adapter: CloudAdapter;
  /** The bot's app id ('' when authentication is disabled), needed for proactive sends. */
  readonly appId: string;
  readonly authDisabled: boolean;
  /** Single-tenant and MSI bots: activities from any other tenant are ignored. */
  readonly tenantId: string | undefined;
}

// The public-cloud values botbuilder uses by default. They must all be passed as soon as one of them
// is (BotFrameworkAuthenticationFactory treats a partial set as a full custom cloud).
const publicCloud = {
  ToChannelFromBotLoginUrl: 'https://login.microsoftonline.com/botframework.com',
  ToChannelFromBotOAuthScope: 'https://api.botframework.com',
  ToBotFromChannelTokenIssuer: 'https://api.botframework.com',
  OAuthUrl: 'https://api.botframework.com',
  ToBotFromEmulatorOpenIdMetadataUrl:
    'https://login.microsoftonline.com/common/v2.0/.well-known/openid-configuration',
  CallerId: 'urn:botframework:azure',
  ValidateAuthority: true,
};

const log = logger.child({ component: 'teams' });

/**
 * botbuilder's CloudAdapter from the environment. MicrosoftAppType is always passed explicitly
 * (botbuilder would default to MultiTenant); with authentication disabled (the explicit
 * VIGIL_TEAMS_INSECURE_DEV) the app id is empty, which is how botbuilder turns authentication off
 * both ways, and that is logged at error level on every start so it cannot go unnoticed.
 */
export function createTeamsAdapter(env: Readonly<TeamsEnv>, options: TeamsAdapterOptions = {}): TeamsAdapter {
  const credentials = env.authDisabled
    ? {}
    : {
        MicrosoftAppId: env.appId,
        MicrosoftAppType: env.appType,
        ...(env.appPassword ? { MicrosoftAppPassword: env.appPassword } : {}),
        ...(env.tenantId ? { MicrosoftAppTenantId: env.tenantId } : {}),
      };
  const endpoints = options.openIdMetadataUrl
    ? { ...publicCloud, ToBotFromChannelOpenIdMetadataUrl: options.openIdMetadataUrl }
    : {};
  const adapter = new CloudAdapter(new GuardedAuthentication({ ...credentials, ...endpoints }));
  adapter.use(tuneConnectorClients(options.requestTimeoutMs ?? 15_000, (message) => log.warn(message)));
  if (env.authDisabled) {
    log.error(
      { [insecureDevVariable]: true },
      `Teams authentication is DISABLED (${insecureDevVariable}=true): /api/messages accepts unsigned requests from anyone and replies carry no token. Local development against a fake connector only; never expose this instance.`,
    );
  }
  return {
    adapter,
    appId: env.authDisabled ? '' : env.appId,
    authDisabled: env.authDisabled,
    tenantId: env.authDisabled ? undefined : env.tenantId,
  };
}
