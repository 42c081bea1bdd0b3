import type { WebCard } from '../chat/web/index.js';
import { logger } from '../logger.js';
import { startDemo, type Demo } from './start-demo.js';

export interface LiveDemoOptions {
  port?: number;
  portExplicit?: boolean;
  out?: NodeJS.WritableStream;
}

const clock = (ms: number) => {
  const s = Math.round(ms / 1000);
  return `+${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
};

/**
 * `vigil demo`: the whole bot on embedded defaults with a local web chat, until Ctrl-C. Prints where
 * to look and what will happen when, then a line as each thing happens; vigil's own logs stay at
 * `error` unless LOG_LEVEL says otherwise, so the terminal tells the story.
 */
export async function runLiveDemo(options: LiveDemoOptions = {}): Promise<number> {
  const out = options.out ?? process.stdout;
  const say = (line = '') => out.write(`${line}\n`);
  if (!process.env['LOG_LEVEL']) logger.level = 'error';
  say('vigil demo: starting its own Redis, two simulated clusters and the bot…');

  // Times are printed from the moment the bot is up: the story's clock (demo-moves.ts).
  let started = Date.now();
  const states = new Map<string, WebCard['state']>();
  let firstAlertAt: number | undefined;
  const onMessage = (card: WebCard) => {
    const before = states.get(card.id);
    states.set(card.id, card.state);
    if (firstAlertAt === undefined) {
      firstAlertAt = Date.now();
      say(
        `  ${clock(firstAlertAt - started)}  first alert on the page (${process.uptime().toFixed(1)} s after the process started)`,
      );
    }
    if (before !== undefined && before !== card.state && card.state !== 'firing') {
      say(`  ${clock(Date.now() - started)}  ${card.stateLabel.toLowerCase()}: ${card.title}`);
    }
  };

  let demo: Demo;
  try {
    demo = await startDemo({
      ...(options.port !== undefined ? { port: options.port } : {}),
      portExplicit: options.portExplicit ?? false,
      onMessage,
      onMove: (move) => say(`  ${clock(Date.now() - started)}  ${move.what}`),
    });
  } catch (err) {
    if (err instanceof Error && 'code' in err && err.code === 'EADDRINUSE') {
      say(`vigil demo: port ${String(options.port)} is taken; pick another with --port or VIGIL_DEMO_PORT`);
      return 3;
    }
    throw err;
  }

  const startup = ((Date.now() - started) / 1000).toFixed(1);
  started = Date.now();
  const { intervals } = demo;
  say();
  say(`  Web chat   ${demo.url}   <- open this in a browser`);
  say('  Clusters   prod (certificates, StatefulSets, registries) and edge (its API certificate expired),');
  say('             simulated on loopback, certificates minted relative to now');
  say(`  Redis      ${demo.redis}`);
  say(
    `  Checks     certificates every ${intervals.certificates} s, StatefulSets every ${intervals.statefulsets} s, registries every ${intervals.registries} s; one ok run resolves`,
  );
  say(`  Started    in ${startup} s`);
  say();
  say('What happens when:');
  say('  now    the first checks run: alert cards appear within seconds');
  for (const move of demo.moves) say(`  ${clock(move.atMs)}  ${move.what}\n         -> ${move.outcome}`);
  say();
  say(
    'Try: press Acknowledge on a card, or type certs prod, sts prod, alerts, history ID in the command box.',
  );
  say('Stop with Ctrl-C: everything started here stops, and its temporary files are removed.');
  say();

  await new Promise<void>((resolve) => {
    const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
    const stop = () => {
      for (const s of signals) process.off(s, stop);
      // A second Ctrl-C while stopping means "now".
      for (const s of signals) process.once(s, () => process.exit(130));
      resolve();
    };
    for (const s of signals) process.once(s, stop);
  });
  say('\nvigil demo: stopping…');
  await demo.stop();
  say('vigil demo: stopped (web chat, workers, Redis and the simulated clusters); temporary files removed.');
  return 0;
}
