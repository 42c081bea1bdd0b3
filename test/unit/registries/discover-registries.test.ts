import { describe, expect, it } from 'vitest';
import { discoverRegistries } from '../../../src/checks/registries/discover-registries.js';
import type { ImageUser } from '../../../src/checks/registries/registry-reader.js';

const template = (kind: ImageUser['kind'], ns: string, name: string, images: string[]): ImageUser => ({
  kind,
  namespace: ns,
  name,
  serviceAccountName: 'default',
  imagePullSecrets: [],
  images: images.map((image, i) => ({ container: `c${i}`, image, role: 'container' })),
});

describe('discoverRegistries', () => {
  const users: ImageUser[] = [
    template('Deployment', 'shop', 'web', ['nginx:1.25', 'reg.example.com/shop/web:1']),
    {
      ...template('Pod', 'shop', 'web-5d8f7c9b6-x2k4q', ['reg.example.com/shop/web:1']),
      owner: { kind: 'ReplicaSet', name: 'web-5d8f7c9b6' },
      podTemplateHash: '5d8f7c9b6',
      images: [
        { container: 'web', image: 'reg.example.com/shop/web:1', role: 'container' },
        { container: 'debug', image: 'busybox', role: 'ephemeral' },
        { container: 'init', image: 'REG.example.com/shop/init:2', role: 'init' },
      ],
      pullErrors: [{ container: 'web', image: 'reg.example.com/shop/web:1', reason: 'ImagePullBackOff' }],
      notReadySince: '2026-11-20T10:00:00.000Z',
    },
    template('CronJob', 'ops', 'backup', ['mirror.internal:5000/tools/backup:3']),
    {
      ...template('Pod', 'ops', 'backup-29000000-abcde', ['mirror.internal:5000/tools/backup:3']),
      owner: { kind: 'Job', name: 'backup-29000000' },
    },
    template('Pod', 'ops', 'bare', ['NGINX']),
  ];

  it('groups images by registry with workloads named after their controllers', () => {
    const { registries, invalid } = discoverRegistries(users, [], { extra: [], ignore: [] });
    expect([...registries.keys()].sort()).toEqual(['docker.io', 'mirror.internal:5000', 'reg.example.com']);
    const reg = registries.get('reg.example.com');
    expect([...(reg?.workloads.keys() ?? [])].sort()).toEqual(['deployment shop/web']);
    expect(reg?.images.size).toBe(2); // shop/web:1 and the upper-case-domain init image
    expect(reg?.failingPods).toEqual([
      expect.objectContaining({
        pod: 'shop/web-5d8f7c9b6-x2k4q',
        workload: 'deployment shop/web',
        since: '2026-11-20T10:00:00.000Z',
      }),
    ]);
    expect([...(registries.get('mirror.internal:5000')?.workloads.keys() ?? [])]).toEqual([
      'cronjob ops/backup',
    ]);
    // Init and ephemeral containers count: busybox (ephemeral) puts the pod on Docker Hub too.
    expect([...(registries.get('docker.io')?.workloads.keys() ?? [])].sort()).toEqual([
      'deployment shop/web',
    ]);
    expect(invalid).toEqual([
      { image: 'NGINX', workload: 'pod ops/bare', error: expect.stringMatching(/lowercase/) },
    ]);
  });

  it('correlates "Failed to pull image" events, keeping the earliest start', () => {
    const { registries } = discoverRegistries(
      users,
      [
        {
          namespace: 'shop',
          pod: 'web-5d8f7c9b6-x2k4q',
          message: 'Failed to pull image "reg.example.com/shop/web:1": 401',
          firstSeen: '2026-11-20T09:00:00.000Z',
          count: 4,
        },
        {
          namespace: 'ops',
          pod: 'gone-pod',
          message: 'Failed to pull image "mirror.internal:5000/tools/backup:3": timeout',
          count: 1,
        },
        { namespace: 'ops', pod: 'x', message: 'Error: ImagePullBackOff', count: 1 },
      ],
      { extra: [], ignore: [] },
    );
    expect(registries.get('reg.example.com')?.failingPods[0]?.since).toBe('2026-11-20T09:00:00.000Z');
    expect(registries.get('mirror.internal:5000')?.failingPods).toEqual([
      expect.objectContaining({ pod: 'ops/gone-pod', workload: 'pod ops/gone-pod', reason: 'Failed (1×)' }),
    ]);
  });

  it('adds registries.extra (hosts and images) and drops registries.ignore (exact and one-label globs)', () => {
    const { registries } = discoverRegistries(users, [], {
      extra: ['myreg:5000', 'ghcr.io/org/app:1.0', 'index.docker.io'],
      ignore: ['Docker.io', '*.internal:5000'],
    });
    expect([...registries.keys()].sort()).toEqual(['ghcr.io', 'myreg:5000', 'reg.example.com']);
    expect(registries.get('myreg:5000')).toMatchObject({ fromConfig: true, workloads: new Map() });
    expect(registries.get('ghcr.io')?.configImage).toMatchObject({ repository: 'org/app', tag: '1.0' });
  });
});
