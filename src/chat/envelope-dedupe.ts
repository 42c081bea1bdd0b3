/**
 * Claims an inbound delivery by the id its platform gave it, so a delivery handed over more than
 * once is handled once. Slack's Socket Mode is the reason: it redelivers an envelope whose ack it
 * did not see (with `retry_attempt`), and with several replicas each holding a connection the copy
 * may reach another replica. Every replica acknowledges what it receives; only the claimer acts.
 * src/redis/redis-envelope-dedupe.ts implements it for all replicas at once.
 */
export interface EnvelopeDedupe {
  /**
   * True for the first claim of `envelopeId` within the dedupe window, false for every later one
   * (from this replica or another). Rejects when the claim cannot be recorded (Redis unreachable):
   * the caller decides whether to act anyway.
   */
  claim(envelopeId: string): Promise<boolean>;
}
