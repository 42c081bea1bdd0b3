import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/domain/config-error.js';
import { readTeamsEnv, teamsEnvPresent } from '../../../src/chat/teams/teams-env.js';

const appId = '0f8fad5b-d9cb-469f-a165-70867728950e';
const tenant = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const secret = 'Sup3r~Secret.Value_123';

function problems(env: NodeJS.ProcessEnv): ConfigError {
  try {
    readTeamsEnv(env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('readTeamsEnv', () => {
  it('reads a single-tenant bot', () => {
    expect(
      readTeamsEnv({
        MicrosoftAppId: appId,
        MicrosoftAppPassword: secret,
        MicrosoftAppType: 'singletenant',
        MicrosoftAppTenantId: tenant,
      }),
    ).toEqual({ authDisabled: false, appId, appType: 'SingleTenant', appPassword: secret, tenantId: tenant });
  });

  it('reads a managed identity (no password) and a multi-tenant bot (no tenant)', () => {
    expect(
      readTeamsEnv({
        MicrosoftAppId: appId,
        MicrosoftAppType: 'UserAssignedMSI',
        MicrosoftAppTenantId: 'contoso.onmicrosoft.com',
      }),
    ).toEqual({
      authDisabled: false,
      appId,
      appType: 'UserAssignedMSI',
      tenantId: 'contoso.onmicrosoft.com',
    });
    expect(
      readTeamsEnv({ MicrosoftAppId: appId, MicrosoftAppType: 'MultiTenant', MicrosoftAppPassword: secret }),
    ).toMatchObject({
      appType: 'MultiTenant',
    });
  });

  it('refuses to start without an app id unless local development is asked for explicitly', () => {
    const error = problems({ MicrosoftAppType: 'SingleTenant' });
    expect(error.problems.map((p) => p.key)).toContain('MicrosoftAppId');
    expect(error.message).toContain('VIGIL_TEAMS_INSECURE_DEV=true');
    expect(readTeamsEnv({ VIGIL_TEAMS_INSECURE_DEV: 'true' })).toEqual({ authDisabled: true });
    expect(readTeamsEnv({ VIGIL_TEAMS_INSECURE_DEV: 'TRUE' })).toEqual({ authDisabled: true });
  });

  it('requires MicrosoftAppType explicitly, since botbuilder would assume MultiTenant', () => {
    const error = problems({ MicrosoftAppId: appId, MicrosoftAppPassword: secret });
    expect(error.problems).toEqual([expect.objectContaining({ key: 'MicrosoftAppType' })]);
    expect(problems({ MicrosoftAppId: appId, MicrosoftAppType: 'Federated' }).message).toContain(
      'SingleTenant, MultiTenant, UserAssignedMSI',
    );
  });

  it('reports every problem at once, naming the variable and the fix', () => {
    const error = problems({
      MicrosoftAppId: 'vigil-bot',
      MicrosoftAppType: 'SingleTenant',
      MicrosoftAppTenantId: 'not a tenant',
    });
    expect(error.problems.map((p) => p.key)).toEqual([
      'MicrosoftAppId',
      'MicrosoftAppTenantId',
      'MicrosoftAppPassword',
    ]);
    expect(error.message).toContain('Azure Bot');
  });

  it('rejects a password for a managed identity, and a missing tenant for SingleTenant and MSI', () => {
    const msi = problems({
      MicrosoftAppId: appId,
      MicrosoftAppType: 'UserAssignedMSI',
      MicrosoftAppPassword: secret,
    });
    expect(msi.problems.map((p) => p.key)).toEqual(['MicrosoftAppTenantId', 'MicrosoftAppPassword']);
  });

  it('never echoes a secret or the app id in its messages', () => {
    const error = problems({
      MicrosoftAppId: 'x' + secret,
      MicrosoftAppPassword: secret,
      MicrosoftAppType: 'nope',
      VIGIL_TEAMS_INSECURE_DEV: 'maybe',
    });
    expect(error.message).not.toContain(secret);
  });

  it('refuses the development switch together with real credentials', () => {
    const error = problems({
      VIGIL_TEAMS_INSECURE_DEV: 'true',
      MicrosoftAppId: appId,
      MicrosoftAppPassword: secret,
    });
    expect(error.problems).toEqual([expect.objectContaining({ key: 'VIGIL_TEAMS_INSECURE_DEV' })]);
    expect(error.message).toContain('MicrosoftAppId, MicrosoftAppPassword');
    expect(error.message).not.toContain(secret);
    expect(problems({ VIGIL_TEAMS_INSECURE_DEV: 'yes' }).problems[0]?.key).toBe('VIGIL_TEAMS_INSECURE_DEV');
  });

  it('teamsEnvPresent: any Teams variable means Teams is wanted', () => {
    expect(teamsEnvPresent({})).toBe(false);
    expect(teamsEnvPresent({ MicrosoftAppId: ' ' })).toBe(false);
    expect(teamsEnvPresent({ MicrosoftAppType: 'SingleTenant' })).toBe(true);
    expect(teamsEnvPresent({ VIGIL_TEAMS_INSECURE_DEV: 'true' })).toBe(true);
  });
});
