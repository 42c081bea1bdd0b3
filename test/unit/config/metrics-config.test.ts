import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/domain/config-error.js';
import { parseConfig } from '../../../src/config/load-config.js';

const clusters = [{ name: 'prod', inCluster: true }];

function problemsOf(raw: object): { key: string; message: string }[] {
  try {
    parseConfig(raw, 'vigil.yaml', '/');
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).problems;
  }
  throw new Error('expected a ConfigError');
}

describe('metrics config', () => {
  it('limits what /metrics may cost: 20,000 certificate series, 5 s of cache, by default', () => {
    expect(parseConfig({ clusters }, 'vigil.yaml', '/').metrics).toEqual({
      maxCertificateSeries: 20_000,
      cacheSeconds: 5,
    });
    const tuned = parseConfig(
      { clusters, metrics: { maxCertificateSeries: 500, cacheSeconds: 0 } },
      'v',
      '/',
    );
    expect(tuned.metrics).toEqual({ maxCertificateSeries: 500, cacheSeconds: 0 });
  });

  it('refuses unknown keys and values out of range, naming each', () => {
    expect(problemsOf({ clusters, metrics: { series: 3 } }).map((p) => p.key)).toEqual(['metrics']);
    expect(
      problemsOf({ clusters, metrics: { maxCertificateSeries: 1.5, cacheSeconds: 301 } }).map((p) => p.key),
    ).toEqual(['metrics.maxCertificateSeries', 'metrics.cacheSeconds']);
  });
});
