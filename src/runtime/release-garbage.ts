/**
 * Runs a full garbage collection when the process was started with --expose-gc (bin/vigil.js, the
 * npm scripts and the container image do so), and does nothing otherwise.
 *
 * Why: each page of a Secret list leaves megabytes of response text and parsed objects behind. V8
 * collects them lazily and lets the heap grow instead, so a 10,000-Secret scan peaked above 400 MB
 * RSS while holding under 70 MB of live data. Collecting between pages keeps the peak near the live
 * size (BENCHMARKS.md); it costs a few tens of milliseconds per page of 500.
 */
export function releaseGarbage(): void {
  (globalThis as { gc?: () => void }).gc?.();
}
