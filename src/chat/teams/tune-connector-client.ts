import type { Middleware, TurnContext } from 'botbuilder';

/** The parts of @azure/core-rest-pipeline's Pipeline used here (declared, not imported: it is a transitive dependency). */
interface PipelineRequestLike {
  timeout: number;
}
interface PipelinePolicyLike {
  name: string;
  sendRequest(
    request: PipelineRequestLike,
    next: (request: PipelineRequestLike) => Promise<unknown>,
  ): Promise<unknown>;
}
interface PipelineLike {
  addPolicy(policy: PipelinePolicyLike): void;
  removePolicy(options: { phase: string }): unknown;
  getOrderedPolicies(): { name: string }[];
}

const timeoutPolicyName = 'vigilRequestTimeout';

/**
 * Makes every Bot Connector call fail fast instead of retrying inside the SDK. botbuilder's
 * ConnectorClient sits on @azure/core-client, whose default pipeline retries 429s (honouring
 * Retry-After) and 5xx/network errors three times with exponential backoff: a worker would sit
 * blocked for seconds, and the outbox could neither pause just the throttled conversation nor see
 * the outage. The outbox owns pacing and retries (as with Slack's `rejectRateLimitedCalls`), so the
 * retry phase is removed and a per-request timeout added. botbuilder 4.23 is final (archived), so
 * the private `client.pipeline` this reaches is frozen; if it is ever missing, the SDK's own
 * retries stay and this says so once.
 */
export function tuneConnectorClients(timeoutMs: number, warn: (message: string) => void): Middleware {
  let warned = false;
  return {
    async onTurn(context: TurnContext, next: () => Promise<void>) {
      const connector: unknown = context.turnState.get(context.adapter.ConnectorClientKey);
      if (!tuneConnectorClient(connector, timeoutMs) && !warned) {
        warned = true;
        warn(
          'could not reach the Bot Connector client pipeline; the SDK retries throttled and failed calls itself, so deliveries may be slow to fail over',
        );
      }
      await next();
    },
  };
}

/** Returns false when the connector does not have the expected shape. Idempotent. */
export function tuneConnectorClient(connector: unknown, timeoutMs: number): boolean {
  const pipeline = (connector as { client?: { pipeline?: Partial<PipelineLike> } } | undefined)?.client
    ?.pipeline;
  if (
    !pipeline ||
    typeof pipeline.addPolicy !== 'function' ||
    typeof pipeline.removePolicy !== 'function' ||
    typeof pipeline.getOrderedPolicies !== 'function'
  ) {
    return false;
  }
  const full = pipeline as PipelineLike;
  if (full.getOrderedPolicies().some((p) => p.name === timeoutPolicyName)) return true;
  full.removePolicy({ phase: 'Retry' });
  full.addPolicy({
    name: timeoutPolicyName,
    sendRequest(request, next) {
      if (!request.timeout || request.timeout > timeoutMs) request.timeout = timeoutMs;
      return next(request);
    },
  });
  return true;
}
