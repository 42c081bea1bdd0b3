import { describe, expect, it } from 'vitest';
import { queueNames } from '../../../jobs/queue/queue-names.js';
import { chatPlatformNames } from '../../../src/chat/platforms.js';
import { allChecks } from '../../../src/checks/index.js';
import { conversationKeys } from '../../../src/redis/redis-conversation-store.js';
import { envelopeKeys } from '../../../src/redis/redis-envelope-dedupe.js';
import {
  alertKeys,
  auditKeys,
  checkFailureKeys,
  clockKeys,
  digestKeys,
  groupKeys,
  listingKeys,
  metaKeys,
  muteKeys,
  nodeReportKeys,
  outboxKeys,
  relayKeys,
  replayKeys,
  snapshotKeys,
} from '../../../src/redis/redis-keys.js';
import * as redisKeys from '../../../src/redis/redis-keys.js';
import { keySlot } from '../../support/redis-key-slot.js';

// Ids as hostile as the real ones get: Teams conversation ids carry ':' '@' and could carry braces,
// which must not move a key to another slot once the prefix has its hash tag.
const clusters = ['prod', 'dev-eu-1'];
const destinations = ['C0PROD', '19:abc}{def@thread.tacv2', '{general}'];
const alertIds = ['a1', 'a2z'];

/** Every key vigil builds for a deployment of two clusters, every check, platform and queue. */
function everyKey(prefix: string): string[] {
  const keys: string[] = [];
  const alerts = alertKeys(prefix);
  keys.push(alerts.open, alerts.idCounter, alerts.ranked);
  const listings = listingKeys(prefix);
  keys.push(listings.versions, listings.versionCounter);
  for (const id of alertIds) keys.push(alerts.alert(id), alerts.fingerprint(`fp-${id}`));
  const audit = auditKeys(prefix);
  keys.push(audit.all, ...alertIds.map(audit.alert));
  const snapshots = snapshotKeys(prefix);
  keys.push(snapshots.runs);
  const nodes = nodeReportKeys(prefix);
  for (const cluster of clusters) {
    keys.push(alerts.rankedIn(cluster));
    for (const { name: check } of allChecks) {
      keys.push(alerts.byCheck(cluster, check), snapshots.snapshot(cluster, check));
      keys.push(listings.summaries(check));
      for (const version of ['1', '42']) {
        keys.push(
          listings.worstFirst(cluster, check, version),
          listings.soonestFirst(cluster, check, version),
          listings.dated(cluster, check, version),
          listings.findings(cluster, check, version),
        );
      }
    }
    keys.push(
      nodes.nodes(cluster, 'host-certificates'),
      nodes.report(cluster, 'host-certificates', 'node-1'),
    );
  }
  const relay = relayKeys(prefix);
  keys.push(relay.index, ...alertIds.map(relay.alert));
  keys.push(replayKeys(prefix).seen('slack:v0=abc'), checkFailureKeys(prefix).lastError);
  const outbox = outboxKeys(prefix);
  keys.push(outbox.held, outbox.steps('delivery-1'));
  const meta = metaKeys(prefix);
  keys.push(meta.epoch, clockKeys(prefix).board);
  const groups = groupKeys(prefix);
  keys.push(groups.idCounter, groups.group('g1'));
  keys.push(meta.epoch);
  const mutes = muteKeys(prefix);
  const mutings = ['mute:m1', 'window:prod upgrade:1767999600000'];
  keys.push(mutes.idCounter, mutes.active, mutes.due, mutes.mute('m1'), ...mutings.map(mutes.held));
  for (const platform of chatPlatformNames) {
    const conversations = conversationKeys(prefix, platform);
    keys.push(conversations.aliases, conversations.index, conversations.conversation(destinations[1]!));
    keys.push(envelopeKeys(prefix, platform).envelope('Ev0123'));
    for (const destination of destinations) {
      keys.push(meta.notice('e1', platform, destination), meta.found('e1', platform, destination));
      keys.push(groups.destination(platform, destination));
      const digest = digestKeys(prefix);
      keys.push(
        digest.latest(platform, destination, '2026-12-02'),
        digest.claim(platform, destination, '2026-12-02', 3),
      );
      for (const muting of mutings) {
        keys.push(
          mutes.announcement('lease', muting, platform, destination),
          mutes.announcement('done', muting, platform, destination),
        );
      }
      for (const kind of ['next-slot', 'blocked', 'last-sent', 'held-jobs'] as const) {
        keys.push(outbox.perDestination(kind, platform, destination));
      }
      for (const id of alertIds) {
        for (const kind of ['pending', 'done', 'posted'] as const) {
          keys.push(outbox.perAlert(kind, id, platform, destination));
        }
      }
    }
  }
  // BullMQ's own keys are `${prefix}:${queue}:${suffix}` (its `prefix` option is vigil's prefix).
  for (const queue of Object.values(queueNames)) {
    for (const suffix of [
      'wait',
      'active',
      'meta',
      'id',
      'events',
      'delayed',
      'repeat',
      'stalled',
      '',
      'repeat:check-prod-certificates:1',
    ]) {
      keys.push(`${prefix}:${queue}:${suffix}`);
    }
  }
  return keys;
}

describe('every key of one deployment hashes to one Redis Cluster slot', () => {
  it('covers every key family redis-keys.ts exports (a new family must be added to everyKey)', () => {
    const source = everyKey.toString();
    const missing = Object.keys(redisKeys).filter((name) => !new RegExp(`\\b${name}\\b`).test(source));
    expect(missing).toEqual([]);
  });

  it('computes slots as Redis does (CRC16 XModem of the hash tag, mod 16384)', () => {
    // Values from the Redis Cluster specification and `CLUSTER KEYSLOT`.
    expect(keySlot('123456789')).toBe(12739);
    expect(keySlot('user:info')).toBe(15429);
    expect(keySlot('user:info{1}')).toBe(keySlot('user:case{1}'));
    expect(keySlot('foo{}{bar}')).not.toBe(keySlot('bar')); // an empty tag hashes the whole key
  });

  for (const prefix of ['{vigil}', 'team-a:{vigil}', '{t-a1b2}']) {
    it(`prefix ${prefix}: one slot for ${everyKey(prefix).length} keys`, () => {
      const slots = new Set(everyKey(prefix).map(keySlot));
      expect([...slots]).toEqual([keySlot(prefix)]);
    });
  }

  it('an un-tagged prefix spreads them over many slots (what CROSSSLOT refuses)', () => {
    const slots = new Set(everyKey('vigil').map(keySlot));
    expect(slots.size).toBeGreaterThan(50);
  });
});
