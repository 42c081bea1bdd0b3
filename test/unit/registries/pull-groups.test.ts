import { describe, expect, it } from 'vitest';
import { discoverRegistries, workloadResolver } from '../../../src/checks/registries/discover-registries.js';
import type { ImageReference } from '../../../src/checks/registries/image-reference.js';
import { PullCredentials } from '../../../src/checks/registries/pull-credentials.js';
import { pullGroups } from '../../../src/checks/registries/pull-groups.js';
import { everySecret } from '../../../src/checks/secret-access.js';
import type { ImageUser, RegistryReader } from '../../../src/checks/registries/registry-reader.js';

const reg = 'reg.example.com';
const b64 = (s: string) => Buffer.from(s).toString('base64');

/** An in-memory RegistryReader port: pull secrets by namespace/name. */
function reader(secrets: Record<string, string>): RegistryReader {
  return {
    imageUsers: () => Promise.resolve([]),
    serviceAccountPullSecrets: () => Promise.resolve([]),
    pullFailureEvents: () => Promise.resolve([]),
    pullSecret: (ns, name) => {
      const user = secrets[`${ns}/${name}`];
      return Promise.resolve(
        user === undefined
          ? { found: false }
          : {
              found: true,
              type: 'kubernetes.io/dockerconfigjson',
              data: {
                '.dockerconfigjson': b64(
                  JSON.stringify({ auths: { [reg]: { username: user, password: 'pw' } } }),
                ),
              },
            },
      );
    },
  };
}

const deployment = (ns: string, name: string, secret?: string): ImageUser => ({
  kind: 'Deployment',
  namespace: ns,
  name,
  serviceAccountName: 'default',
  imagePullSecrets: secret ? [secret] : [],
  images: [{ container: 'c', image: `${reg}/${ns}/${name}:1`, role: 'container' }],
});

describe('pullGroups', () => {
  it('probes once per distinct credential set, failing pods first, at most `max`', async () => {
    const users: ImageUser[] = [
      deployment('a', 'one', 'regcred'),
      deployment('a', 'two', 'regcred'), // same secret as a/one: same group
      deployment('b', 'web', 'regcred'),
      deployment('c', 'web', 'regcred'),
      deployment('d', 'web', 'regcred'),
      deployment('e', 'web'), // no pull secret: anonymous
      {
        ...deployment('e', 'web-5f6d7c8b9-xyz12'),
        kind: 'Pod',
        owner: { kind: 'ReplicaSet', name: 'web-5f6d7c8b9' },
        podTemplateHash: '5f6d7c8b9',
        images: [{ container: 'c', image: `${reg}/e/web:2`, role: 'container' }],
        pullErrors: [{ container: 'c', image: `${reg}/e/web:2`, reason: 'ErrImagePull' }],
      },
    ];
    const usage = discoverRegistries(users, [], { extra: [], ignore: [] }).registries.get(reg);
    if (!usage) throw new Error('no usage');
    const creds = new PullCredentials(
      reader({ 'a/regcred': 'team-a', 'b/regcred': 'team-b', 'c/regcred': 'team-c', 'd/regcred': 'team-d' }),
      [],
      everySecret,
    );
    const { groups, unprobed } = await pullGroups(usage, creds, workloadResolver(users), 3);
    // The anonymous group holds the failing pod, so it comes first and is probed with its image.
    expect(groups[0]).toMatchObject({
      id: 'anonymous',
      image: `${reg}/e/web:2`,
      workloads: ['deployment e/web'],
    });
    expect(groups[1]?.workloads).toEqual(['deployment a/one', 'deployment a/two']);
    expect(groups).toHaveLength(3);
    expect(groups[2]?.workloads).toEqual(['deployment b/web']);
    expect(unprobed).toEqual(['deployment c/web', 'deployment d/web']);
    expect(JSON.stringify(groups)).not.toContain('"pw"');
  });
});

describe('PullCredentials with narrower Secret access', () => {
  const users = [deployment('a', 'one', 'regcred'), deployment('b', 'web', 'regcred')];
  const image: ImageReference = {
    domain: reg,
    registry: reg,
    repository: 'x',
    reference: '1',
    name: `${reg}/x`,
  };
  const asked: string[] = [];
  const recording: RegistryReader = {
    ...reader({ 'a/regcred': 'team-a', 'b/regcred': 'team-b' }),
    pullSecret: (ns, name) => {
      asked.push(`${ns}/${name}`);
      return reader({ 'a/regcred': 'team-a', 'b/regcred': 'team-b' }).pullSecret(ns, name);
    },
  };

  it('asks only for pull secrets where it may read them, and says why the others are unread', async () => {
    asked.length = 0;
    const creds = new PullCredentials(recording, [], {
      mode: 'namespaces',
      namespaces: ['a'],
      setBy: 'env',
    });
    const [inside, outside] = [
      await creds.forImage(users[0] as ImageUser, image),
      await creds.forImage(users[1] as ImageUser, image),
    ];
    expect(asked).toEqual(['a/regcred']);
    expect(inside.unreadable).toBeUndefined();
    expect(inside.credentials).toHaveLength(1);
    expect(outside.credentials).toEqual([]);
    expect(outside.unreadable).toBe('pull secret b/regcred not read (rbac mode namespaced)');
  });

  it('asks for none with mode none', async () => {
    asked.length = 0;
    const creds = new PullCredentials(recording, [], { mode: 'none', namespaces: [], setBy: 'config' });
    const choice = await creds.forImage(users[0] as ImageUser, image);
    expect(asked).toEqual([]);
    expect(choice.unreadable).toBe('pull secret a/regcred not read (secrets mode none)');
  });
});
