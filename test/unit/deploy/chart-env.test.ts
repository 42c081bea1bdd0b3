import { describe, expect, it } from 'vitest';
import {
  envVarsReadByApp,
  notSetByDeployments,
  optionalFeatureValues,
  setAheadOfApp,
  setPerRedisMode,
} from './app-env.js';
import { combination, everythingOn, platforms } from './chart-combinations.js';
import { envOf, only, renderChart, renderError, type EnvVar } from './render-chart.js';

/* The environment the rendered Deployment gives vigil, against what the app reads. */

const appEnv = envVarsReadByApp();
const wanted = [...appEnv.keys()]
  .filter((v) => !(v in notSetByDeployments) && !(v in setPerRedisMode))
  .sort();
const slackVars = [
  'SLACK_BOT_TOKEN',
  'SLACK_SIGNING_SECRET',
  'SLACK_API_URL',
  'SLACK_APP_TOKEN',
  'SLACK_APP_ID',
];
const teamsCredentials = [
  'MicrosoftAppId',
  'MicrosoftAppPassword',
  'MicrosoftAppType',
  'MicrosoftAppTenantId',
];
const insecureDev = 'VIGIL_TEAMS_INSECURE_DEV';
const isPlatformVar = (v: string) =>
  slackVars.includes(v) || teamsCredentials.includes(v) || v === insecureDev;

const secretRef = (e: EnvVar | undefined) => e?.valueFrom?.secretKeyRef;
const names = (v: object) => [...envOf(renderChart(v)).keys()];

describe('environment variables', () => {
  it('finds what the app reads, the five Teams variables included', () => {
    // A scan that silently found nothing would let every test below pass.
    expect(wanted).toEqual(
      expect.arrayContaining(['REDIS_URL', 'PORT', 'SLACK_BOT_TOKEN', ...teamsCredentials, insecureDev]),
    );
  });

  it.each(platforms)('wires every variable the app reads with %s, and only its platforms', (platform) => {
    const set = names({ ...combination('full', platform), ...optionalFeatureValues });
    const slackOn = platform !== 'teams';
    const teamsOn = platform !== 'slack';
    const expected = wanted.filter(
      (v) =>
        !isPlatformVar(v) || (slackOn && slackVars.includes(v)) || (teamsOn && teamsCredentials.includes(v)),
    );
    const missing = expected.filter((v) => !set.includes(v));
    expect(missing, `read by ${missing.map((v) => appEnv.get(v)?.join(', ')).join('; ')}`).toEqual([]);
    // The app turns a platform on when any of its variables is set (src/serve/run-serve.ts).
    if (!slackOn) expect(set.filter((v) => slackVars.includes(v))).toEqual([]);
    if (!teamsOn) expect(set.filter((v) => teamsCredentials.includes(v) || v === insecureDev)).toEqual([]);
    expect(set).not.toContain(insecureDev);
  });

  it('sets nothing the app does not read, except variables set ahead of the app', () => {
    const set = new Set([
      ...names(everythingOn('namespaced')),
      ...names({ slack: { existingSecret: '' }, teams: { insecureDevMode: true } }),
    ]);
    const unknown = [...set].filter((v) => !appEnv.has(v) && !(v in setAheadOfApp));
    expect(unknown).toEqual([]);
    for (const v of Object.keys(setAheadOfApp)) expect(set, v).toContain(v);
  });

  it('takes the Slack secrets from a Secret, never from a plain value; signing secret and app token optional', () => {
    const env = envOf(renderChart());
    expect(secretRef(env.get('SLACK_BOT_TOKEN'))).toEqual({ name: 'vigil-slack', key: 'SLACK_BOT_TOKEN' });
    // Socket Mode needs no signing secret; over HTTP the app refuses to start without it (slack-env.ts).
    expect(secretRef(env.get('SLACK_SIGNING_SECRET'))).toEqual({
      name: 'vigil-slack',
      key: 'SLACK_SIGNING_SECRET',
      optional: true,
    });
    expect(secretRef(env.get('SLACK_APP_TOKEN'))).toEqual({
      name: 'vigil-slack',
      key: 'SLACK_APP_TOKEN',
      optional: true,
    });
  });

  it('takes the Teams credentials from a Secret and the app type from values', () => {
    const env = envOf(renderChart(combination('full', 'teams')));
    expect(env.get('MicrosoftAppType')).toEqual({ name: 'MicrosoftAppType', value: 'SingleTenant' });
    expect(secretRef(env.get('MicrosoftAppId'))).toEqual({ name: 'vigil-teams', key: 'MicrosoftAppId' });
    expect(secretRef(env.get('MicrosoftAppPassword'))).toEqual({
      name: 'vigil-teams',
      key: 'MicrosoftAppPassword',
      optional: true,
    });
    expect(secretRef(env.get('MicrosoftAppTenantId'))).toEqual({
      name: 'vigil-teams',
      key: 'MicrosoftAppTenantId',
    });
    const multi = envOf(
      renderChart({
        ...combination('full', 'teams'),
        teams: { existingSecret: 't', appType: 'MultiTenant' },
      }),
    );
    expect(secretRef(multi.get('MicrosoftAppTenantId'))).toEqual({
      name: 't',
      key: 'MicrosoftAppTenantId',
      optional: true,
    });
  });

  it('creates each Secret from values when asked, and points the variables at it', () => {
    const objects = renderChart(everythingOn('full'));
    const slack = only(objects, 'Secret', 'vigil-slack');
    const teams = only(objects, 'Secret', 'vigil-teams');
    expect(slack['stringData']).toEqual({
      SLACK_BOT_TOKEN: 'xoxb-1-2-abc',
      SLACK_SIGNING_SECRET: 'signing',
      SLACK_APP_TOKEN: 'xapp-1-abc',
    });
    expect(teams['stringData']).toEqual({
      MicrosoftAppId: '0f8fad5b-d9cb-469f-a165-70867728950e',
      MicrosoftAppPassword: 'client-secret',
      MicrosoftAppTenantId: 'contoso.onmicrosoft.com',
    });
    const env = envOf(objects);
    expect(secretRef(env.get('SLACK_BOT_TOKEN'))?.name).toBe('vigil-slack');
    expect(secretRef(env.get('MicrosoftAppId'))?.name).toBe('vigil-teams');
    const msi = renderChart({
      slack: { existingSecret: '' },
      teams: { createSecret: true, appType: 'UserAssignedMSI', appId: 'a', tenantId: 't' },
    });
    expect(only(msi, 'Secret')['stringData']).toEqual({ MicrosoftAppId: 'a', MicrosoftAppTenantId: 't' });
  });

  it('refuses chart-made Secrets without their required values', () => {
    const slackError = renderError({ slack: { createSecret: true, botToken: 'xoxb-1' } });
    expect(slackError).toContain('slack.signingSecret');
    expect(slackError).toContain('slack.appToken');
    expect(renderError({ teams: { createSecret: true, appId: 'a', tenantId: 't' } })).toContain(
      'teams.appPassword',
    );
  });

  it('renders a Socket-Mode-only Slack install: bot and app tokens, no signing secret', () => {
    const objects = renderChart({
      slack: { existingSecret: '', createSecret: true, botToken: 'xoxb-1-2-abc', appToken: 'xapp-1-abc' },
    });
    expect(only(objects, 'Secret', 'vigil-slack')['stringData']).toEqual({
      SLACK_BOT_TOKEN: 'xoxb-1-2-abc',
      SLACK_APP_TOKEN: 'xapp-1-abc',
    });
    const env = envOf(objects);
    expect([...env.keys()].filter(isPlatformVar).sort()).toEqual([...slackVars].sort());
    expect(secretRef(env.get('SLACK_SIGNING_SECRET'))).toMatchObject({
      key: 'SLACK_SIGNING_SECRET',
      optional: true,
    });
    expect(secretRef(env.get('SLACK_APP_TOKEN'))).toMatchObject({ name: 'vigil-slack', optional: true });
    // An existing Secret holding only the two tokens works the same: both other keys are optional.
    const existing = envOf(renderChart({ slack: { existingSecret: 'vigil-slack-socket' } }));
    expect(secretRef(existing.get('SLACK_SIGNING_SECRET'))?.name).toBe('vigil-slack-socket');
  });

  it('renders the Teams-only install the issue reported failing', () => {
    const env = envOf(
      renderChart({ slack: { existingSecret: '' }, teams: { existingSecret: 'vigil-teams' } }),
    );
    expect([...env.keys()].filter(isPlatformVar).sort()).toEqual([...teamsCredentials].sort());
  });

  it('refuses an install with no chat platform, and insecure Teams together with credentials', () => {
    expect(renderError({ slack: { existingSecret: '' } })).toContain('no chat platform');
    expect(renderError({ teams: { insecureDevMode: true, existingSecret: 'vigil-teams' } })).toContain(
      'teams.insecureDevMode',
    );
  });

  it('sets VIGIL_TEAMS_INSECURE_DEV only for teams.insecureDevMode, without any Microsoft* variable', () => {
    const env = envOf(renderChart({ slack: { existingSecret: '' }, teams: { insecureDevMode: true } }));
    expect(env.get(insecureDev)).toEqual({ name: insecureDev, value: 'true' });
    expect([...env.keys()].filter((v) => v.startsWith('Microsoft'))).toEqual([]);
  });

  it('passes rbac.mode as VIGIL_RBAC_MODE, and the namespaces with namespaced', () => {
    expect(envOf(renderChart()).get('VIGIL_RBAC_MODE')?.value).toBe('full');
    expect(envOf(renderChart()).has('VIGIL_RBAC_NAMESPACES')).toBe(false);
    expect(envOf(renderChart(combination('noSecrets', 'slack'))).get('VIGIL_RBAC_MODE')?.value).toBe(
      'noSecrets',
    );
    const namespaced = envOf(renderChart(combination('namespaced', 'slack')));
    expect(namespaced.get('VIGIL_RBAC_MODE')?.value).toBe('namespaced');
    expect(namespaced.get('VIGIL_RBAC_NAMESPACES')?.value).toBe('apps,payments');
    // rbac.create=false: the user binds the rules, vigil still learns the mode.
    const own = envOf(renderChart({ rbac: { create: false, mode: 'noSecrets' } }));
    expect(own.get('VIGIL_RBAC_MODE')?.value).toBe('noSecrets');
  });

  it('sets VIGIL_HEARTBEAT_URL from a value or from a Secret, and not at all by default', () => {
    expect(envOf(renderChart()).has('VIGIL_HEARTBEAT_URL')).toBe(false);
    expect(
      envOf(renderChart({ heartbeat: { url: 'https://hc.example.com/p/1' } })).get('VIGIL_HEARTBEAT_URL'),
    ).toEqual({
      name: 'VIGIL_HEARTBEAT_URL',
      value: 'https://hc.example.com/p/1',
    });
    const fromSecret = envOf(renderChart({ heartbeat: { existingSecret: 'hb' } })).get('VIGIL_HEARTBEAT_URL');
    expect(secretRef(fromSecret)).toEqual({ name: 'hb', key: 'VIGIL_HEARTBEAT_URL' });
  });

  it('sets VIGIL_HEARTBEAT_METHOD with a heartbeat only, from heartbeat.method (GET or POST)', () => {
    expect(envOf(renderChart()).has('VIGIL_HEARTBEAT_METHOD')).toBe(false);
    const url = 'https://hc.example.com/p/1';
    expect(envOf(renderChart({ heartbeat: { url } })).get('VIGIL_HEARTBEAT_METHOD')).toEqual({
      name: 'VIGIL_HEARTBEAT_METHOD',
      value: 'GET',
    });
    expect(
      envOf(renderChart({ heartbeat: { existingSecret: 'hb', method: 'POST' } })).get(
        'VIGIL_HEARTBEAT_METHOD',
      )?.value,
    ).toBe('POST');
    expect(renderError({ heartbeat: { url, method: 'PUT' } })).toMatch(/heartbeat\.method|method/);
  });

  it('takes REDIS_URL from a Secret when one is named', () => {
    const env = envOf(renderChart({ redis: { existingSecret: 'redis-auth' } }));
    expect(secretRef(env.get('REDIS_URL'))).toEqual({ name: 'redis-auth', key: 'REDIS_URL' });
  });
});
