import { describe, expect, it } from 'vitest';
import { handleAction } from '../../../handlers/handle-action.js';
import { handleCommand } from '../../../handlers/handle-command.js';
import {
  certFinding,
  makeAlert,
  makeConfig,
  makeDeps,
  slackAction,
  slackCommand,
  textOf,
} from './handler-fixtures.js';

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47];

async function seeded(config = makeConfig()) {
  const t = makeDeps({ config });
  t.alerts.seed(makeAlert('a7k2q'));
  await t.snapshots.put({
    cluster: 'prod',
    check: 'certificates',
    at: '2026-11-21T10:02:00.000Z',
    reachable: true,
    findings: [certFinding('prod', 'secret prod/web-tls tls.crt', 3)],
    unobserved: [],
  });
  await t.snapshots.put({
    cluster: 'staging',
    check: 'certificates',
    at: '2026-11-21T10:02:00.000Z',
    reachable: true,
    findings: [certFinding('staging', 'secret staging/other-tls tls.crt', 5)],
    unobserved: [],
  });
  return t;
}

describe('the Chart button', () => {
  it("answers with the alert's cluster's chart, as `/k8s certs CLUSTER --chart` does", async () => {
    const t = await seeded();
    const reply = await handleAction(slackAction({ kind: 'chart', alertId: 'a7k2q' }), t.deps);
    const typed = await handleCommand(slackCommand('certs prod --chart'), t.deps);
    expect(reply.private).toBe(false);
    expect(reply.title).toBe('Certificate expiries on prod, next 90 days');
    expect(textOf(reply)).toBe(textOf(typed));
    expect(textOf(reply)).toContain('secret prod/web-tls tls.crt');
    expect(textOf(reply)).not.toContain('staging');
    expect([...reply.image!.png.slice(0, 4)]).toEqual(PNG_SIGNATURE);
    expect(reply.image!.filename).toBe('vigil-certs-prod-2026-11-21.png');
  });

  it('is a read: refused where the cluster may not be queried, audited as refused:chart', async () => {
    const t = await seeded(makeConfig({ clusters: { prod: { channels: { slack: ['C0PROD'] } } } }));
    const refused = await handleAction(slackAction({ kind: 'chart', alertId: 'a7k2q' }), t.deps);
    expect(refused).toMatchObject({ private: true, title: 'Not allowed: chart for prod in this channel' });
    expect(refused.image).toBeUndefined();
    expect(textOf(refused)).not.toContain('web-tls');
    expect(t.audit.entries[0]).toMatchObject({
      action: 'refused:chart',
      cluster: 'prod',
      origin: 'slack:C0OPS',
    });
    const allowed = await handleAction(
      slackAction({ kind: 'chart', alertId: 'a7k2q' }, { channel: 'C0PROD' }),
      t.deps,
    );
    expect(allowed.image).toBeDefined();
  });

  it('needs no acknowledge permission: reading is not changing', async () => {
    const onlyMaria = { acknowledge: { slack: { users: ['U0SOMEONE'] } } };
    const t = await seeded(makeConfig(onlyMaria));
    const reply = await handleAction(slackAction({ kind: 'chart', alertId: 'a7k2q' }), t.deps);
    expect(reply.image).toBeDefined();
    expect(t.audit.entries).toEqual([]);
  });

  it('says so privately when the alert is gone or the id is not one', async () => {
    const t = await seeded();
    const gone = await handleAction(slackAction({ kind: 'chart', alertId: 'zzzzz' }), t.deps);
    expect(gone).toMatchObject({ private: true, title: 'No alert zzzzz' });
    expect(textOf(gone)).toContain('/k8s certs CLUSTER --chart');
    const bad = await handleAction(slackAction({ kind: 'chart', alertId: 'x <!channel>' }), t.deps);
    expect(bad.title).toBe('No alert with that id');
  });
});
