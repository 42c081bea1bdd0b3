import { createTask } from 'node-cron';

export interface WatchdogTimerOptions {
  /** node-cron pattern (validated in schedules-config.ts); every minute by default. */
  pattern: string;
  timezone?: string;
  /** Called with the scheduled time of the tick (identical on every replica, unlike "now"). */
  tick(at: Date): Promise<unknown>;
  log: { error(fields: object, message: string): void };
}

/**
 * The per-process watchdog timer. node-cron, not a BullMQ scheduler, on purpose: it must keep ticking
 * when Redis or the queue is what broke (node-cron fits work every replica does for itself). `noOverlap` skips a tick while the previous one still runs (Redis hanging).
 */
export function startWatchdogTimer(options: WatchdogTimerOptions): { stop(): Promise<void> } {
  let running: Promise<unknown> | undefined;
  const task = createTask(
    options.pattern,
    async (context) => {
      const work = options.tick(context.date).catch((err: unknown) => {
        options.log.error(
          { error: err instanceof Error ? err.message : String(err) },
          'watchdog tick failed (Redis unreachable?); vigil cannot tell whether checks run',
        );
      });
      running = work;
      await work;
    },
    {
      name: 'vigil-watchdog',
      noOverlap: true,
      ...(options.timezone ? { timezone: options.timezone } : {}),
    },
  );
  void task.start();
  return {
    async stop() {
      await task.destroy();
      await running;
    },
  };
}
