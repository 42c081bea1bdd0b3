import type { RegistriesConfig } from '../config/registries-config.js';

export interface DemoRegistries {
  /** Pods, workloads, pull secrets and events to load into the prod cluster. */
  objects: Record<string, unknown>[];
  /** The `registries:` section of the demo's embedded config. */
  config: Partial<RegistriesConfig>;
  stop(): Promise<void>;
}

/** Starts the demo's registries on loopback (DOMAIN.md section 4). `dir` is a private temp dir. */
export function startDemoRegistries(_now: Date, _dir: string): Promise<DemoRegistries> {
  return Promise.resolve({ objects: [], config: {}, stop: () => Promise.resolve() });
}
