/**
 * The detector Lambda: EventBridge Scheduler invokes it with `{ "detector": "<id>" }`, a person
 * with `{ "detector", "from", "to" }` to backfill. Any failure is logged once and rethrown, so the
 * scheduler's retry policy and dead-letter queue see it; the watermark has not moved by then.
 */
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context } from 'aws-lambda';
import { logger, metrics } from '../aws/powertools.ts';
import { awsClients } from './aws-clients.ts';
import { loadDetectorConfig } from './detector-config.ts';
import { parseDetectorEvent } from './detector-event.ts';
import { type InvocationOutcome, runDetectorInvocation } from './detector-invocation.ts';
import { createDetectorRuntime, type DetectorRuntime } from './detector-runtime.ts';

export function createDetectorHandler(runtime: () => DetectorRuntime) {
  return async (event: unknown, context: Context): Promise<InvocationOutcome> => {
    logger.resetKeys();
    logger.addContext(context);
    try {
      const outcome = await runDetectorInvocation(
        runtime(),
        parseDetectorEvent(event),
        { requestId: context.awsRequestId, remainingMs: () => context.getRemainingTimeInMillis() },
        { logger, metrics },
      );
      metrics.addMetric('DetectorFailed', MetricUnit.Count, 0);
      return outcome;
    } catch (error) {
      metrics.addMetric('DetectorFailed', MetricUnit.Count, 1);
      logger.error('detector invocation failed', error instanceof Error ? error : String(error));
      throw error;
    } finally {
      metrics.publishStoredMetrics();
    }
  };
}

let runtime: DetectorRuntime | undefined;

/** Config and clients are read on the first invocation, once per execution environment. */
export const handler = createDetectorHandler(() => {
  runtime ??= createDetectorRuntime(loadDetectorConfig(process.env), awsClients());
  return runtime;
});
