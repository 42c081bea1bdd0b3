import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ChatDeliveryError } from '../../src/chat/chat-delivery-error.js';
import { createSlackGroupLookup } from '../../src/chat/slack/index.js';
import { FakeSlackWebApi } from '../fakes/slack/index.js';

let fake: FakeSlackWebApi;
let clock = 0;

beforeAll(async () => {
  fake = await FakeSlackWebApi.start();
});
afterAll(() => fake.close());
beforeEach(() => {
  fake.calls.length = 0;
  fake.clearFaults();
  fake.setUserGroup('S0ONCALL', ['U0MARIA', 'U0BOB']);
  fake.setUserGroup('S0ADMINS', ['U0BOB']);
  clock = 1_000_000;
});

const lookup = () =>
  createSlackGroupLookup({ botToken: fake.token, apiUrl: fake.apiUrl }, { ttlMs: 60_000, now: () => clock });

describe('SlackGroupLookup', () => {
  it('returns the groups a user is in', async () => {
    const groups = lookup();
    expect(await groups.memberOfGroups('U0BOB', ['S0ONCALL', 'S0ADMINS'])).toEqual(['S0ONCALL', 'S0ADMINS']);
    expect(await groups.memberOfGroups('U0MARIA', ['S0ONCALL', 'S0ADMINS'])).toEqual(['S0ONCALL']);
    expect(await groups.memberOfGroups('U0EVE', ['S0ONCALL', 'S0ADMINS'])).toEqual([]);
  });

  it('caches member lists per group for the TTL and shares concurrent lookups', async () => {
    const groups = lookup();
    await Promise.all([1, 2, 3].map(() => groups.memberOfGroups('U0MARIA', ['S0ONCALL', 'S0ONCALL'])));
    expect(fake.callsTo('usergroups.users.list')).toHaveLength(1);

    fake.setUserGroup('S0ONCALL', ['U0BOB']);
    clock += 59_000;
    expect(await groups.memberOfGroups('U0MARIA', ['S0ONCALL'])).toEqual(['S0ONCALL']);
    clock += 2_000;
    expect(await groups.memberOfGroups('U0MARIA', ['S0ONCALL'])).toEqual([]);
    expect(fake.callsTo('usergroups.users.list')).toHaveLength(2);
    expect(fake.callsTo('usergroups.users.list')[0]!.args).toMatchObject({ usergroup: 'S0ONCALL' });
  });

  it('fails closed with a classified error when a group cannot be read, and retries next time', async () => {
    const groups = lookup();
    fake.rateLimit({ retryAfterSeconds: 20, times: 1, method: 'usergroups.users.list' });
    await expect(groups.memberOfGroups('U0MARIA', ['S0ONCALL'])).rejects.toMatchObject({
      code: 'chat-rate-limited',
      retryAfterMs: 20_000,
    });
    await expect(groups.memberOfGroups('U0MARIA', ['S0NOPE'])).rejects.toBeInstanceOf(ChatDeliveryError);
    expect(await groups.memberOfGroups('U0MARIA', ['S0ONCALL'])).toEqual(['S0ONCALL']);
  });
});
