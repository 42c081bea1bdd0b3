import { ConfigError, type ConfigProblem } from '../../domain/config-error.js';

/** How the bot proves itself to the Bot Framework (Azure Bot resource, "Configuration" blade). */
export type TeamsAppType = 'SingleTenant' | 'MultiTenant' | 'UserAssignedMSI';

/**
 * The Teams (Bot Framework) credentials, read from the environment only. `authDisabled` is the
 * explicit local-development mode: botbuilder turns authentication off in both directions when the
 * app id is empty, so that must never happen by accident.
 */
export type TeamsEnv =
  | {
      authDisabled: false;
      appId: string;
      appType: TeamsAppType;
      /** Client secret; absent for UserAssignedMSI (the managed identity needs none). Never log it. */
      appPassword?: string;
      /** Entra ID tenant (GUID or domain); required for SingleTenant and UserAssignedMSI. */
      tenantId?: string;
    }
  | { authDisabled: true };

export const insecureDevVariable = 'VIGIL_TEAMS_INSECURE_DEV';

const appTypes: readonly TeamsAppType[] = ['SingleTenant', 'MultiTenant', 'UserAssignedMSI'];
const guid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// Entra ID also accepts the tenant's domain (contoso.onmicrosoft.com) where a tenant id is asked for.
const tenantDomain = /^(?=.{3,253}$)[a-z0-9-]+(\.[a-z0-9-]+)+$/i;
const credentialKeys = ['MicrosoftAppId', 'MicrosoftAppPassword', 'MicrosoftAppType', 'MicrosoftAppTenantId'];

/** True when any Teams variable is set: Teams is then wanted, and readTeamsEnv must succeed. */
export function teamsEnvPresent(env: NodeJS.ProcessEnv = process.env): boolean {
  return [...credentialKeys, insecureDevVariable].some((k) => Boolean(env[k]?.trim()));
}

/**
 * Reads MicrosoftAppId, MicrosoftAppPassword, MicrosoftAppType, MicrosoftAppTenantId and
 * VIGIL_TEAMS_INSECURE_DEV, reporting every problem at once (ARCHITECTURE.md house rule 1). MicrosoftAppType must be
 * explicit: botbuilder silently assumes MultiTenant, and new multi-tenant bots cannot be created
 * since 2025-07-31, so a forgotten type would fail only at the first alert with an opaque AADSTS
 * error. Messages name the variable and the fix, never a value.
 */
export function readTeamsEnv(env: NodeJS.ProcessEnv = process.env): Readonly<TeamsEnv> {
  const problems: ConfigProblem[] = [];
  const read = (key: string) => env[key]?.trim() ?? '';
  const appId = read('MicrosoftAppId');
  const appPassword = read('MicrosoftAppPassword');
  const rawType = read('MicrosoftAppType');
  const tenantId = read('MicrosoftAppTenantId');
  const insecure = readInsecureDev(read(insecureDevVariable), problems);

  if (insecure) {
    const set = credentialKeys.filter((k) => read(k));
    if (set.length > 0) {
      problems.push({
        key: insecureDevVariable,
        message: `is true, which turns Bot Framework authentication off, but ${set.join(', ')} ${set.length === 1 ? 'is' : 'are'} also set; unset ${insecureDevVariable} (production) or the Microsoft* variables (local development against a fake connector)`,
      });
    }
    if (problems.length > 0) throw new ConfigError('environment', problems);
    return Object.freeze({ authDisabled: true as const });
  }

  if (!appId) {
    problems.push({
      key: 'MicrosoftAppId',
      message: `is not set; copy the Microsoft App ID from the Azure Bot resource (Settings → Configuration). Without it the bot would accept unauthenticated requests, so vigil refuses to start; for local development against a fake connector set ${insecureDevVariable}=true instead`,
    });
  } else if (!guid.test(appId)) {
    problems.push({
      key: 'MicrosoftAppId',
      message:
        'must be the bot\'s Microsoft App ID, a GUID such as "0f8fad5b-d9cb-469f-a165-70867728950e" (Azure Bot → Configuration), not its name',
    });
  }
  const appType = appTypes.find((t) => t.toLowerCase() === rawType.toLowerCase());
  if (!rawType) {
    problems.push({
      key: 'MicrosoftAppType',
      message: `is not set; set it to the type shown on the Azure Bot resource (${appTypes.join(', ')}). botbuilder would otherwise assume MultiTenant, which new bots cannot use`,
    });
  } else if (!appType) {
    problems.push({ key: 'MicrosoftAppType', message: `must be one of ${appTypes.join(', ')}` });
  }
  if ((appType === 'SingleTenant' || appType === 'UserAssignedMSI') && !tenantId) {
    problems.push({
      key: 'MicrosoftAppTenantId',
      message: `is required for ${appType}; copy the App Tenant ID from the Azure Bot resource (Settings → Configuration)`,
    });
  }
  if (tenantId && !guid.test(tenantId) && !tenantDomain.test(tenantId)) {
    problems.push({
      key: 'MicrosoftAppTenantId',
      message: 'must be an Entra ID tenant id (a GUID) or the tenant domain such as contoso.onmicrosoft.com',
    });
  }
  if (appType === 'UserAssignedMSI' && appPassword) {
    problems.push({
      key: 'MicrosoftAppPassword',
      message:
        'must not be set for UserAssignedMSI: the managed identity authenticates without a secret; remove it (and the secret from the app registration)',
    });
  }
  if ((appType === 'SingleTenant' || appType === 'MultiTenant') && !appPassword) {
    problems.push({
      key: 'MicrosoftAppPassword',
      message: `is required for ${appType}; create a client secret for the app registration (Certificates & secrets) and set its value here`,
    });
  }

  if (problems.length > 0 || !appType) throw new ConfigError('environment', problems);
  return Object.freeze({
    authDisabled: false as const,
    appId,
    appType,
    ...(appPassword ? { appPassword } : {}),
    ...(tenantId ? { tenantId } : {}),
  });
}

function readInsecureDev(raw: string, problems: ConfigProblem[]): boolean {
  if (!raw || raw.toLowerCase() === 'false') return false;
  if (raw.toLowerCase() === 'true') return true;
  problems.push({
    key: insecureDevVariable,
    message: 'must be true or false (true disables Bot Framework authentication: local development only)',
  });
  return false;
}
