import { describe, expect, it } from 'vitest';
import {
  mayReadSecretsIn,
  unreadSecrets,
  withinSecretAccess,
  type SecretAccess,
} from '../../../src/checks/secret-access.js';

const all: SecretAccess = { mode: 'all', namespaces: [], setBy: 'env' };
const none: SecretAccess = { mode: 'none', namespaces: [], setBy: 'env' };
const ns = (namespaces: string[], setBy: SecretAccess['setBy'] = 'env'): SecretAccess => ({
  mode: 'namespaces',
  namespaces,
  setBy,
});

describe('secret access', () => {
  it('reads a namespace in mode all, in its own list, and never in mode none', () => {
    expect(mayReadSecretsIn(all, 'legacy')).toBe(true);
    expect(mayReadSecretsIn(ns(['apps']), 'apps')).toBe(true);
    expect(mayReadSecretsIn(ns(['apps']), 'legacy')).toBe(false);
    expect(mayReadSecretsIn(none, 'apps')).toBe(false);
  });

  it('orders the modes: none within a namespace list within all', () => {
    expect(withinSecretAccess(none, ns(['apps']))).toBe(true);
    expect(withinSecretAccess(ns(['apps']), ns(['apps', 'payments']))).toBe(true);
    expect(withinSecretAccess(ns(['apps', 'billing']), ns(['apps', 'payments']))).toBe(false);
    expect(withinSecretAccess(ns(['apps']), none)).toBe(false);
    expect(withinSecretAccess(all, ns(['apps']))).toBe(false);
    expect(withinSecretAccess(all, all)).toBe(true);
  });

  it('says nothing in mode all, and names the mode as it was set otherwise', () => {
    expect(unreadSecrets(all, 'prod', 'TLS Secrets', 'handshakes still run')).toBeUndefined();
    expect(
      unreadSecrets(ns(['apps', 'payments'], 'config'), 'prod', 'TLS Secrets', 'handshakes still run'),
    ).toEqual({
      what: 'TLS Secrets outside apps, payments (secrets mode namespaces)',
      why: 'clusters[].secrets of cluster prod in vigil.yaml has vigil read Secrets only in apps, payments',
      howToObserve:
        'handshakes still run; to read them, grant vigil get/list on secrets there and widen clusters[].secrets of prod',
    });
    expect(unreadSecrets(none, 'prod', 'pull-secret credentials', 'registries are still probed')).toEqual({
      what: 'pull-secret credentials (rbac mode noSecrets)',
      why: "the chart's rbac.mode (VIGIL_RBAC_MODE) lets vigil read no Secret, so it asks for none",
      howToObserve:
        'registries are still probed; to read them, set rbac.mode namespaced (with their namespaces in rbac.namespaces) or set rbac.mode full (deploy/README.md "Access: least privilege")',
    });
  });
});
