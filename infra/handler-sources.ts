/**
 * Where every auditlake Lambda's handler file is, from the repository root: one list, so the app,
 * the stacks and the tests cannot name different files for the same function.
 */
import path from 'node:path';

export interface HandlerSources {
  /** The repository root: package-lock.json and tsconfig.json, which bundling reads. */
  readonly projectRoot: string;
  readonly detectorEntry: string;
  readonly ticketingEntry: string;
  /** Firehose's transformation Lambda for producers' events. */
  readonly validatorEntry: string;
  /** The hourly digest chain over audit_events/. */
  readonly digestEntry: string;
  /** Firehose's transformation Lambda for CloudTrail events of the lake. */
  readonly normalizerEntry: string;
}

export function handlerSources(projectRoot: string): HandlerSources {
  const entry = (file: string) => path.join(projectRoot, 'lambdas', 'handlers', file);
  return {
    projectRoot,
    detectorEntry: entry('detector-handler.ts'),
    ticketingEntry: entry('ticketing-handler.ts'),
    validatorEntry: entry('stream-validation-handler.ts'),
    digestEntry: entry('digest-handler.ts'),
    normalizerEntry: entry('lake-access-normalizer.ts'),
  };
}
