import { ConfigurationServiceClientCredentialFactory } from 'botbuilder';
import type { TeamsEnv } from './teams-env.js';
import { classifyTeamsError } from './classify-teams-error.js';

// What botbuilder uses for the public cloud when it sends to the Bot Connector.
const botFrameworkScope = 'https://api.botframework.com';
const botFrameworkLoginUrl = 'https://login.microsoftonline.com/botframework.com';

/**
 * Asks Entra ID for the token vigil will send with every post, once, at start-up: a wrong
 * MicrosoftAppPassword, tenant or app type then fails the start with its AADSTS code and the
 * variables to check, instead of at the first alert (the Teams counterpart of Slack's auth.test).
 * Nothing to check with authentication disabled. The token itself is dropped, never logged.
 */
export async function checkTeamsCredentials(env: Readonly<TeamsEnv>, timeoutMs = 15_000): Promise<void> {
  if (env.authDisabled) return;
  const factory = new ConfigurationServiceClientCredentialFactory({
    MicrosoftAppId: env.appId,
    MicrosoftAppType: env.appType,
    ...(env.appPassword ? { MicrosoftAppPassword: env.appPassword } : {}),
    ...(env.tenantId ? { MicrosoftAppTenantId: env.tenantId } : {}),
  });
  try {
    const credentials = (await factory.createCredentials(
      env.appId,
      botFrameworkScope,
      botFrameworkLoginUrl,
      true,
    )) as {
      getToken?: (forceRefresh?: boolean) => Promise<string>;
    };
    if (typeof credentials.getToken !== 'function') return;
    await withTimeout(credentials.getToken(true), timeoutMs);
  } catch (error) {
    throw classifyTeamsError(error, { operation: 'the start-up credential check' });
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(Object.assign(new Error(`no token within ${ms} ms`), { name: 'TimeoutError' })),
      ms,
    );
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}
