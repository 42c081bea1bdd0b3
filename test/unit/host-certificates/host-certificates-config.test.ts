import { describe, expect, it } from 'vitest';
import { layoutsFor } from '../../../src/checks/host-certificates/built-in-layouts.js';
import { hostCertificatesConfigSchema } from '../../../src/checks/host-certificates/host-certificates-config.js';
import { parseConfig } from '../../../src/config/load-config.js';
import { ConfigError } from '../../../src/domain/config-error.js';

describe('hostCertificatesConfigSchema', () => {
  it('defaults to every built-in layout and no extra paths', () => {
    expect(hostCertificatesConfigSchema.parse(undefined)).toEqual({
      layouts: ['kubeadm', 'k3s', 'rke2', 'kubelet'],
      extraPaths: [],
    });
  });

  it('accepts absolute paths and globs, rejects relative ones with a hint', () => {
    expect(
      hostCertificatesConfigSchema.parse({ extraPaths: ['/etc/ssl/a.crt', '/opt/**/tls/*.crt'] }).extraPaths,
    ).toHaveLength(2);
    const r = hostCertificatesConfigSchema.safeParse({ extraPaths: ['etc/ssl/a.crt'] });
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.message).toBe(
      'must be an absolute path on the node, e.g. /etc/ssl/certs/my.crt or /opt/*/tls/*.crt',
    );
    expect(hostCertificatesConfigSchema.safeParse({ layouts: ['openshift'] }).success).toBe(false);
  });

  it('selects layouts in report order', () => {
    expect(layoutsFor(['kubelet', 'kubeadm']).map((l) => l.id)).toEqual(['kubeadm', 'kubelet']);
  });

  it('is the hostCertificates: section of vigil.yaml, checked with the rest', () => {
    const clusters = [{ name: 'prod', inCluster: true }];
    const cfg = parseConfig(
      { clusters, hostCertificates: { layouts: ['kubeadm'], staleAfterMinutes: 180 } },
      'vigil.yaml',
      '/etc/vigil',
    );
    expect(cfg.hostCertificates).toEqual({ layouts: ['kubeadm'], extraPaths: [], staleAfterMinutes: 180 });
    expect(cfg.schedules.checks).not.toHaveProperty('host-certificates');
    let problems: string[] = [];
    try {
      parseConfig(
        {
          clusters,
          hostCertificates: { staleAfterMinutes: 5, extra: [] },
          schedules: { checks: { 'host-certificates': 'x' } },
        },
        'vigil.yaml',
        '/etc/vigil',
      );
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      problems = err.problems.map((p) => `${p.key}: ${p.message}`);
    }
    expect(problems).toEqual([
      'hostCertificates.staleAfterMinutes: must be a whole number of minutes from 10 to 7200 (5 days), e.g. 180',
      'hostCertificates: unknown key(s) "extra"; check the spelling against README.md "Configuration"',
      expect.stringMatching(
        /^schedules\.checks\.host-certificates: invalid cron pattern "x": .*e\.g\. "0 \* \* \* \*" \(every hour\)/,
      ),
    ]);
  });
});
