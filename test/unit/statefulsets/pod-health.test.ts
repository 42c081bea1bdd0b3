import { describe, expect, it } from 'vitest';
import { podHealth } from '../../../src/checks/statefulsets/pod-health.js';
import { toPodInfo } from '../../../src/kube/statefulset-info.js';
import { StatefulSetFixture } from '../../../src/simulator/statefulset-fixture.js';

const now = new Date('2026-11-21T12:00:00Z');
const fx = new StatefulSetFixture({ namespace: 'db', name: 'mongo', replicas: 3, now });
const info = (p: Record<string, unknown>) => toPodInfo(p as unknown as Parameters<typeof toPodInfo>[0]);

describe('podHealth', () => {
  it('dates NotReady from the Ready condition, not from when vigil looked', () => {
    const h = podHealth(info(fx.pod({ ordinal: 0, ready: false, readyChangedMinutesAgo: 47 })), 0, now);
    expect(h).toMatchObject({ running: true, ready: false, healthy: false, terminating: false });
    expect(h.unhealthySince).toBe('2026-11-21T11:13:00.000Z');
  });

  it('is healthy when Running and Ready with no minReadySeconds', () => {
    const h = podHealth(info(fx.pod({ ordinal: 0 })), 0, now);
    expect(h).toMatchObject({ healthy: true, available: true });
    expect(h.unhealthySince).toBeUndefined();
  });

  it('is not Available until Ready for minReadySeconds (what OrderedReady waits for)', () => {
    const pod = info(fx.pod({ ordinal: 0, readyChangedMinutesAgo: 0.5 }));
    expect(podHealth(pod, 60, now)).toMatchObject({ ready: true, available: false, healthy: false });
    expect(podHealth(pod, 20, now)).toMatchObject({ available: true, healthy: true });
  });

  it('dates a pod that never became Ready from its creation', () => {
    const pod = info(
      fx.pod({
        ordinal: 1,
        phase: 'Pending',
        unschedulable: { message: 'x', minutesAgo: 5 },
        ageMinutes: 20,
      }),
    );
    expect(podHealth(pod, 0, now).unhealthySince).toBe('2026-11-21T11:40:00.000Z');
  });

  it('treats a Terminating pod as unhealthy from the deletion request, and overdue after its grace period', () => {
    const pod = info(fx.pod({ ordinal: 2, deletion: { requestedMinutesAgo: 125, graceSeconds: 30 } }));
    const h = podHealth(pod, 0, now);
    expect(h).toMatchObject({ ready: true, terminating: true, healthy: false, deletionOverdue: true });
    expect(h.deletionRequestedAt).toBe('2026-11-21T09:55:00.000Z');
    expect(h.unhealthySince).toBe('2026-11-21T09:55:00.000Z');
    const fresh = info(fx.pod({ ordinal: 2, deletion: { requestedMinutesAgo: 0.25, graceSeconds: 30 } }));
    expect(podHealth(fresh, 0, now).deletionOverdue).toBe(false);
  });
});
