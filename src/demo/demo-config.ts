import { scheduledChecks, type ScheduledCheck } from '../config/schedules-config.js';

/** The web chat room every demo alert goes to. */
export const demoRoom = 'alerts';

/** The checks the live demo runs: those the simulated clusters have a story for. */
export type DemoCheck = 'certificates' | 'statefulsets' | 'registries';

/**
 * How often each check runs in the demo at speed 1: minutes become seconds, so the lifecycle shows.
 * Any other check is off: the host-certificates check reads reports of `vigil agent` on the nodes,
 * and no agent runs in the demo.
 */
export const demoCheckSeconds: Record<DemoCheck, number> = {
  certificates: 20,
  statefulsets: 10,
  registries: 15,
};

// A cron seconds step of N only ticks evenly when N divides 60.
const evenSeconds = [1, 2, 3, 4, 5, 6, 10, 12, 15, 20, 30];

/** `seconds / speed`, rounded to the nearest interval that divides a minute (so the cron step ticks evenly). */
export function demoInterval(seconds: number, speed: number): number {
  const wanted = Math.max(1, seconds / speed);
  return evenSeconds.reduce((best, s) => (Math.abs(s - wanted) < Math.abs(best - wanted) ? s : best));
}

/**
 * The demo's own vigil.yaml sections beside its clusters: the real schedulers, lifecycle and outbox,
 * only faster. Checks every few seconds (6-field cron, seconds first); one ok run resolves an alert
 * (production waits for two); the outbox paces nothing, retries within a second, and looks again
 * for a predecessor every 200 ms. Everything goes to the web chat's one room. The StatefulSet grace
 * stays at its production 15 min: db/mongo has been stuck for 47 already, so it alerts at the first
 * run, and loki's rollout in progress does not.
 */
export function demoServeSections(speed: number): Record<string, unknown> {
  const seconds: Partial<Record<ScheduledCheck, number>> = demoCheckSeconds;
  const checks = Object.fromEntries(
    scheduledChecks.map((check) => {
      const s = seconds[check];
      return [check, s === undefined ? false : `*/${demoInterval(s, speed)} * * * * *`];
    }),
  );
  return {
    schedules: {
      checks,
      runOnStart: true,
      startupDedupeSeconds: 1,
      retry: { attempts: 2, backoffSeconds: 1 },
    },
    outbox: { retryInitialMs: 200, retryMaxMs: 2000, orderWaitMs: 200, concurrency: 16 },
    alerts: {
      resolveAfterOkRuns: 1,
      // The scripted story acknowledges and resolves its ten first alerts card by card
      // (test/e2e/web-demo-story.test.ts), so its first run stays under the summary threshold.
      grouping: { summaryAbove: 20 },
      defaultRoute: { web: [demoRoom] },
    },
  };
}
