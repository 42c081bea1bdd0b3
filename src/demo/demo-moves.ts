import { recoveredPaymentsObjects } from './demo-registries.js';
import { renewedApiTlsSecret } from './demo-scenario.js';
import { finishedLokiObjects, recoveredMongoObjects } from './demo-statefulsets.js';
import type { DemoClusters } from './start-demo-clusters.js';

/** One step of the live demo's story: something changes in the simulated cluster at `atSeconds`. */
export interface DemoMove {
  /** Seconds after start at speed 1. */
  atSeconds: number;
  /** What happens in the cluster. */
  what: string;
  /** What the page shows for it. */
  outcome: string;
  apply(now: Date): void;
}

/**
 * The story after the first alerts: the incidents get fixed one by one, the way people fix them
 * (DOMAIN.md section 1), so each card is seen through its whole lifecycle. The changes are plain
 * writes to the fake API server; vigil notices them at its next scheduled run, as it would in a
 * real cluster.
 */
export function demoMoves(clusters: Pick<DemoClusters, 'prod' | 'registries' | 'pki'>): DemoMove[] {
  return [
    {
      atSeconds: 40,
      what: 'monitoring/loki finishes its rolling update',
      outcome: 'no card: a rollout in progress is never an alert',
      apply: (now) => clusters.prod.upsertMany(finishedLokiObjects(now)),
    },
    {
      atSeconds: 60,
      what: 'payments puts the rotated registry password into its pull secret and restarts deployment payments/api',
      outcome: 'the registry card turns resolved',
      apply: (now) => {
        const fix = recoveredPaymentsObjects(now, clusters.registries.payments);
        clusters.prod.upsertMany(fix.upsert);
        for (const o of fix.remove) clusters.prod.delete(o.apiVersion, o.kind, o.namespace, o.name);
      },
    },
    {
      atSeconds: 100,
      what: 'db/mongo: mongo-0 passes its readiness probe, the controller creates mongo-2',
      outcome: 'the StatefulSet card turns resolved',
      apply: (now) => clusters.prod.upsertMany(recoveredMongoObjects(now)),
    },
    {
      atSeconds: 150,
      what: 'Secret payments/api-tls is renewed (90 days left)',
      outcome: 'its certificate card turns resolved',
      apply: (now) => clusters.prod.upsert(renewedApiTlsSecret(now, clusters.pki)),
    },
  ];
}

/** Plays the moves at `atSeconds / speed` from now; `stop()` cancels what has not happened yet. */
export function playMoves(
  moves: readonly DemoMove[],
  speed: number,
  onMove: (move: DemoMove) => void = () => undefined,
): { stop(): void } {
  const timers = moves.map((move) =>
    setTimeout(
      () => {
        // X.509 keeps whole seconds (see run-demo.ts).
        move.apply(new Date(Math.floor(Date.now() / 1000) * 1000));
        onMove(move);
      },
      (move.atSeconds * 1000) / speed,
    ),
  );
  return {
    stop: () => {
      for (const t of timers) clearTimeout(t);
    },
  };
}
