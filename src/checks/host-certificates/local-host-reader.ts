import { layoutsFor } from './built-in-layouts.js';
import type { HostCertificatesConfig } from './host-certificates-config.js';
import type { HostReportReader } from './host-report-reader.js';
import { readHostCertificates } from './read-host-certificates.js';

export interface LocalHostOptions {
  /** `/` on the node itself; a copy or a mount elsewhere works the same (symlinks resolve inside it). */
  hostRoot: string;
  node: string;
  settings: Pick<HostCertificatesConfig, 'layouts' | 'extraPaths'>;
  now: () => Date;
}

/** This node's files, read when asked: `vigil check --host-root` and each run of `vigil agent`. */
export function localHostReader(o: LocalHostOptions): HostReportReader {
  return {
    mode: 'local',
    async reports() {
      const now = o.now();
      const observation = await readHostCertificates({
        hostRoot: o.hostRoot,
        node: o.node,
        layouts: layoutsFor(o.settings.layouts),
        extraPaths: o.settings.extraPaths,
        now,
      });
      // Read just now: never stale, so no interval.
      return [{ node: o.node, observedAt: observation.observedAt, intervalMinutes: 0, body: observation }];
    },
  };
}
