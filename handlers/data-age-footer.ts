import { ago } from '../src/time/ago.js';
import { utcMinute } from '../src/time/utc-minute.js';

/** The footer of every answer from stored results, so nobody mistakes an old run for the present. */
export function dataAgeFooter(at: Date | string, now: Date): string {
  return `data from ${ago(at, now)} (${utcMinute(at)})`;
}
