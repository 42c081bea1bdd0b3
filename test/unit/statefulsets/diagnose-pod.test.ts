import { describe, expect, it } from 'vitest';
import { nodeObject, StatefulSetFixture } from '../../../src/simulator/statefulset-fixture.js';
import { evaluate, observe, type Extras } from './observation.js';

const now = new Date('2026-11-21T12:00:00Z');
const fx = new StatefulSetFixture({ namespace: 'db', name: 'pg', replicas: 1, now, container: 'postgres' });
const readyNode = { 'node-a': nodeObject('node-a', now) };

/** Diagnoses pg-0 built from `pod` and returns what the check says about it. */
function diagnose(
  pod: Record<string, unknown>,
  extras: (pod: Record<string, unknown>) => Extras = () => ({}),
) {
  const { analysis } = evaluate(
    observe(fx.statefulSet([pod]), [pod], { nodes: readyNode, ...extras(pod) }),
    now,
  );
  const d = analysis.diagnoses.get('pg-0');
  if (!d) throw new Error('pg-0 not diagnosed');
  return d;
}

describe('diagnosePod: why a pod is not Running, Ready and Available', () => {
  it('CrashLoopBackOff names the restarts and the last termination (OOMKilled, exit code, when)', () => {
    const pod = fx.pod({
      ordinal: 0,
      ready: false,
      readyChangedMinutesAgo: 20,
      containers: [
        {
          waiting: { reason: 'CrashLoopBackOff', message: 'back-off 5m0s restarting failed container' },
          restartCount: 7,
          lastTerminated: { reason: 'OOMKilled', exitCode: 137, finishedMinutesAgo: 2 },
        },
      ],
    });
    const d = diagnose(pod);
    expect(d.kind).toBe('crash');
    expect(d.text).toBe(
      'pg-0 Running but NotReady for 20 min; container postgres CrashLoopBackOff, 7 restarts, last exit code 137 (OOMKilled) 2 min ago; node node-a Ready',
    );
    expect(d.lastTermination?.reason).toBe('OOMKilled');
  });

  it('ImagePullBackOff quotes the kubelet pull failure', () => {
    const pod = fx.pod({
      ordinal: 0,
      phase: 'Pending',
      ready: false,
      ageMinutes: 30,
      containers: [
        {
          waiting: {
            reason: 'ImagePullBackOff',
            message: 'Back-off pulling image "registry.example.com/pg:1.1"',
          },
        },
      ],
    });
    const d = diagnose(pod, (p) => ({
      events: {
        'pg-0': [
          fx.event(p, {
            reason: 'Failed',
            message:
              'Failed to pull image "registry.example.com/pg:1.1": rpc error: code = NotFound desc = manifest unknown',
            count: 9,
            lastMinutesAgo: 1,
          }),
        ],
      },
    }));
    expect(d.kind).toBe('image');
    expect(d.text).toBe(
      'pg-0 Pending for 30 min; container postgres ImagePullBackOff: Failed to pull image "registry.example.com/pg:1.1": rpc error: code = NotFound desc = manifest unknown; node node-a Ready',
    );
  });

  it('CreateContainerConfigError names the missing Secret (by name only)', () => {
    const pod = fx.pod({
      ordinal: 0,
      phase: 'Pending',
      ready: false,
      ageMinutes: 18,
      containers: [
        { waiting: { reason: 'CreateContainerConfigError', message: 'secret "pg-auth" not found' } },
      ],
    });
    const d = diagnose(pod);
    expect(d.kind).toBe('config');
    expect(d.text).toMatch(
      /^pg-0 Pending for 18 min; container postgres CreateContainerConfigError: secret "pg-auth" not found;/,
    );
  });

  it('a failing readiness probe quotes the latest Unhealthy event with when and how often', () => {
    const pod = fx.pod({ ordinal: 0, ready: false, readyChangedMinutesAgo: 47 });
    const d = diagnose(pod, (p) => ({
      events: {
        'pg-0': [
          fx.event(p, { reason: 'Unhealthy', message: 'Readiness probe failed: old', lastMinutesAgo: 40 }),
          fx.event(p, {
            reason: 'Unhealthy',
            message: 'Readiness probe failed: connection refused (exit code 1)',
            count: 94,
            firstMinutesAgo: 47,
            lastMinutesAgo: 0.5,
          }),
        ],
      },
    }));
    expect(d.kind).toBe('probe');
    expect(d.text).toBe(
      'pg-0 Running but NotReady for 47 min; readiness probe failing ("connection refused (exit code 1)", last 30 s ago, 94 times); node node-a Ready',
    );
  });

  it('says so when no event explains a NotReady pod, and when events could not be read', () => {
    const pod = fx.pod({ ordinal: 0, ready: false, readyChangedMinutesAgo: 5 });
    expect(diagnose(pod).text).toMatch(/container postgres not ready \(no Unhealthy event on record\)/);
    expect(diagnose(pod, () => ({ eventsUnreadable: true })).text).toMatch(
      /not ready \(events not readable\)/,
    );
  });

  it('FailedScheduling: the scheduler’s reason', () => {
    const pod = fx.pod({
      ordinal: 0,
      phase: 'Pending',
      ready: false,
      ageMinutes: 25,
      claims: [],
      unschedulable: { message: '0/3 nodes are available: 3 Insufficient memory.', minutesAgo: 25 },
      containers: [],
    });
    const d = diagnose(pod, (p) => ({
      events: {
        'pg-0': [
          fx.event(p, {
            reason: 'FailedScheduling',
            message: '0/3 nodes are available: 3 Insufficient memory. preemption: 0/3 nodes are available.',
            count: 12,
            lastMinutesAgo: 3,
          }),
        ],
      },
    }));
    expect(d.kind).toBe('unschedulable');
    expect(d.text).toBe(
      'pg-0 Pending for 25 min; not scheduled: 0/3 nodes are available: 3 Insufficient memory. preemption: 0/3 nodes are available. (last 3 min ago, 12 times)',
    );
  });

  it('an unbound claim is the root cause of FailedScheduling, with the provisioner’s complaint', () => {
    const pod = fx.pod({
      ordinal: 0,
      phase: 'Pending',
      ready: false,
      ageMinutes: 30,
      unschedulable: { message: 'pod has unbound immediate PersistentVolumeClaims', minutesAgo: 30 },
      containers: [],
    });
    const claim = fx.claim('data-pg-0', 'Pending', 'fast-ssd');
    const d = diagnose(pod, () => ({
      claims: { 'data-pg-0': claim },
      claimEvents: {
        'data-pg-0': [
          fx.event(claim, {
            reason: 'ProvisioningFailed',
            message: 'storageclass.storage.k8s.io "fast-ssd" not found',
            count: 20,
            lastMinutesAgo: 1,
          }),
        ],
      },
    }));
    expect(d.kind).toBe('unbound-claim');
    expect(d.text).toBe(
      'pg-0 Pending for 30 min; PersistentVolumeClaim data-pg-0 Pending (not bound, StorageClass fast-ssd) for 30 min; ProvisioningFailed: storageclass.storage.k8s.io "fast-ssd" not found (last 1 min ago, 20 times); not scheduled: pod has unbound immediate PersistentVolumeClaims',
    );
  });

  it('a claim that no longer exists', () => {
    const pod = fx.pod({
      ordinal: 0,
      phase: 'Pending',
      ready: false,
      containers: [{ waiting: { reason: 'ContainerCreating' } }],
    });
    const d = diagnose(pod, () => ({ claims: { 'data-pg-0': null } }));
    expect(d.kind).toBe('missing-claim');
    expect(d.text).toMatch(/PersistentVolumeClaim data-pg-0 does not exist/);
  });

  it('FailedMount on a pod stuck in ContainerCreating', () => {
    const pod = fx.pod({
      ordinal: 0,
      phase: 'Pending',
      ready: false,
      ageMinutes: 16,
      containers: [{ waiting: { reason: 'ContainerCreating' } }],
    });
    const d = diagnose(pod, (p) => ({
      claims: { 'data-pg-0': fx.claim('data-pg-0') },
      events: {
        'pg-0': [
          fx.event(p, {
            reason: 'FailedAttachVolume',
            message:
              'Multi-Attach error for volume "pvc-1f2e" Volume is already exclusively attached to one node and can\'t be attached to another',
            lastMinutesAgo: 2,
            count: 8,
          }),
        ],
      },
    }));
    expect(d.kind).toBe('mount');
    expect(d.text).toMatch(
      /^pg-0 Pending for 16 min; volume not mounted: Multi-Attach error for volume "pvc-1f2e"/,
    );
    expect(d.text).toMatch(/\(last 2 min ago, 8 times\); node node-a Ready$/);
  });

  it('a node that stopped reporting is the cause, with how long', () => {
    const pod = fx.pod({ ordinal: 0, node: 'node-c', ready: false, readyChangedMinutesAgo: 9 });
    const d = diagnose(pod, () => ({
      nodes: { 'node-c': nodeObject('node-c', now, { ready: 'Unknown', sinceMinutes: 10 }) },
    }));
    expect(d.kind).toBe('node-lost');
    expect(d.lostNode).toBe(true);
    expect(d.text).toBe(
      'pg-0 Running but NotReady for 9 min; node node-c unreachable (kubelet stopped reporting) for 10 min',
    );
  });

  it('a deletion that never completes on a lost node; finalizers on a healthy one', () => {
    const lost = fx.pod({
      ordinal: 0,
      node: 'node-c',
      ready: false,
      readyChangedMinutesAgo: 130,
      deletion: { requestedMinutesAgo: 125 },
    });
    const d = diagnose(lost, () => ({
      nodes: {
        'node-c': nodeObject('node-c', now, { ready: 'Unknown', sinceMinutes: 131, unreachable: true }),
      },
    }));
    expect(d.kind).toBe('terminating-lost-node');
    expect(d.text).toBe(
      'pg-0 Terminating for 2 h 5 min; deletion requested 2 h 5 min ago, 2 h 4 min past its 30 s grace period; node node-c unreachable (kubelet stopped reporting) for 2 h 11 min',
    );
    const held = fx.pod({
      ordinal: 0,
      deletion: { requestedMinutesAgo: 40, finalizers: ['example.com/backup'] },
    });
    const h = diagnose(held);
    expect(h.kind).toBe('terminating');
    expect(h.text).toMatch(/finalizers example\.com\/backup; node node-a Ready$/);
    expect(diagnose(lost, () => ({ nodes: { 'node-c': null } })).text).toMatch(
      /node node-c no longer exists$/,
    );
  });

  it('an evicted pod says why', () => {
    const pod = fx.pod({
      ordinal: 0,
      phase: 'Failed',
      ready: false,
      reason: 'Evicted',
      message: 'The node was low on resource: memory.',
    });
    const d = diagnose(pod);
    expect(d.kind).toBe('failed');
    expect(d.text).toMatch(/^pg-0 Failed \(Evicted\) for .*; The node was low on resource: memory\.;/);
  });

  it('bounds long messages so a chat section stays under its limit', () => {
    const pod = fx.pod({ ordinal: 0, ready: false, readyChangedMinutesAgo: 5 });
    const d = diagnose(pod, (p) => ({
      events: {
        'pg-0': [
          fx.event(p, { reason: 'Unhealthy', message: `Readiness probe failed: ${'x'.repeat(5000)}` }),
        ],
      },
    }));
    expect(d.text.length).toBeLessThan(300);
    expect(d.text).toMatch(/x…"/);
  });
});
