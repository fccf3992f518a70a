/**
 * Amazon Athena behind aws-sdk-client-mock, scripted per detector window. It keeps what the
 * engine relies on: a `ClientRequestToken` seen before hands back the same query (Athena's
 * idempotent start), a stopped query becomes CANCELLED, and each execution remembers when it was
 * submitted. The test's `plan` decides, per window start, what a query does.
 */
import {
  AthenaClient,
  GetQueryExecutionCommand,
  type GetQueryExecutionCommandInput,
  GetQueryResultsCommand,
  type GetQueryResultsCommandInput,
  InternalServerException,
  type QueryExecutionState,
  StartQueryExecutionCommand,
  type StartQueryExecutionCommandInput,
  StopQueryExecutionCommand,
  type StopQueryExecutionCommandInput,
  TooManyRequestsException,
} from '@aws-sdk/client-athena';
import { mockClient } from 'aws-sdk-client-mock';
import { execution, resultPage } from '../aws/athena-mock.ts';

/** What a query of one window does. */
export type AthenaPlan =
  /** Finishes and flags these actors. */
  | { readonly kind: 'succeed'; readonly actors: readonly string[] }
  /** StartQueryExecution is throttled (TooManyRequestsException). */
  | { readonly kind: 'throttle' }
  /** StartQueryExecution answers with a server error: Athena is down. */
  | { readonly kind: 'unavailable' }
  /** The query ends FAILED; Athena says whether a retry may help. */
  | { readonly kind: 'fail'; readonly retryable: boolean }
  /** The query ends CANCELLED (someone stopped it in the console). */
  | { readonly kind: 'cancel' }
  /** The query stays RUNNING until it is stopped. */
  | { readonly kind: 'hang' };

interface Execution {
  readonly id: string;
  readonly windowStart: string;
  readonly submitted: Date;
  state: QueryExecutionState;
  readonly actors: readonly string[];
  readonly retryable?: boolean;
}

export const DETECTOR_COLUMNS = [
  ['actor_id', 'varchar'],
  ['summary', 'varchar'],
  ['event_count', 'bigint'],
] as const;

/** The summary every flagged row carries; tests check it never reaches a log. */
export const SUMMARY = 'exported records at night';

/** What tells the test detectors' queries (detector-setup.ts) from any other query. */
const DETECTOR_MARKER = `'${SUMMARY}' AS summary`;

export interface FakeAthena {
  /** Decides what the query of a window (ISO start) does; called on every StartQueryExecution. */
  plan: (windowStart: string) => AthenaPlan;
  /** Throttles this GetQueryResults call of a window's query when true. @default never */
  throttleResults: (windowStart: string) => boolean;
  /**
   * Awaited at the top of every StartQueryExecution: a test pauses one invocation here while
   * another runs, to interleave two invocations deterministically.
   */
  beforeStart: ((windowStart: string) => Promise<void> | undefined) | undefined;
  /** Window start of every query execution created, in order (re-attached starts not repeated). */
  readonly queried: string[];
  /** Every StartQueryExecution call, answered or not. */
  readonly startCalls: string[];
  /** Queries that are not a detector window's (the investigation report's), answered with no rows. */
  otherQueries: number;
  /** Query ids stopped with StopQueryExecution. */
  readonly stopped: string[];
  readonly executions: Map<string, Execution>;
  reset(): void;
}

export function fakeAthena(clock: () => Date): FakeAthena {
  const athena = mockClient(AthenaClient);
  const executions = new Map<string, Execution>();
  const byToken = new Map<string, string>();
  const fake: FakeAthena = {
    plan: () => ({ kind: 'succeed', actors: [] }),
    throttleResults: () => false,
    beforeStart: undefined,
    queried: [],
    startCalls: [],
    otherQueries: 0,
    stopped: [],
    executions,
    reset: () => {
      executions.clear();
      byToken.clear();
      fake.queried.length = 0;
      fake.startCalls.length = 0;
      fake.stopped.length = 0;
      fake.otherQueries = 0;
      fake.plan = () => ({ kind: 'succeed', actors: [] });
      fake.beforeStart = undefined;
      fake.throttleResults = () => false;
      athena.reset();
      install();
    },
  };

  function install(): void {
    athena.on(StartQueryExecutionCommand).callsFake(async (input: StartQueryExecutionCommandInput) => {
      const sql = input.QueryString ?? '';
      if (!sql.includes(DETECTOR_MARKER)) return startOtherQuery();
      const windowStart = windowStartOf(sql);
      await fake.beforeStart?.(windowStart);
      fake.startCalls.push(windowStart);
      const known =
        input.ClientRequestToken === undefined ? undefined : byToken.get(input.ClientRequestToken);
      if (known !== undefined) return { QueryExecutionId: known };
      const plan = fake.plan(windowStart);
      if (plan.kind === 'throttle') {
        throw new TooManyRequestsException({ message: 'Rate exceeded', $metadata: {} });
      }
      if (plan.kind === 'unavailable') {
        throw new InternalServerException({ message: 'Internal error', $metadata: {} });
      }
      const id = `q-${fake.queried.length + 1}`;
      executions.set(id, {
        id,
        windowStart,
        submitted: clock(),
        state: stateOf(plan),
        actors: plan.kind === 'succeed' ? plan.actors : [],
        ...(plan.kind === 'fail' ? { retryable: plan.retryable } : {}),
      });
      if (input.ClientRequestToken !== undefined) byToken.set(input.ClientRequestToken, id);
      fake.queried.push(windowStart);
      return { QueryExecutionId: id };
    });
    athena.on(GetQueryExecutionCommand).callsFake((input: GetQueryExecutionCommandInput) => {
      const run = executionOf(input.QueryExecutionId);
      return execution(run.id, run.state, {
        submitted: run.submitted,
        ...(run.state === 'FAILED'
          ? {
              error: run.retryable
                ? { ErrorCategory: 1, Retryable: true, ErrorMessage: 'S3 slow down' }
                : { ErrorCategory: 2, Retryable: false, ErrorMessage: "COLUMN_NOT_FOUND: column 'dept'" },
            }
          : {}),
        ...(run.state === 'CANCELLED' ? { reason: 'Query cancelled by user' } : {}),
      });
    });
    athena.on(StopQueryExecutionCommand).callsFake((input: StopQueryExecutionCommandInput) => {
      const run = executionOf(input.QueryExecutionId);
      fake.stopped.push(run.id);
      if (run.state === 'RUNNING' || run.state === 'QUEUED') run.state = 'CANCELLED';
      return {};
    });
    athena.on(GetQueryResultsCommand).callsFake((input: GetQueryResultsCommandInput) => {
      const run = executionOf(input.QueryExecutionId);
      if (run.windowStart !== '' && fake.throttleResults(run.windowStart)) {
        throw new TooManyRequestsException({ message: 'Rate exceeded', $metadata: {} });
      }
      return resultPage(
        DETECTOR_COLUMNS,
        run.actors.map((actor) => [actor, SUMMARY, '3']),
      );
    });
  }

  /** Any other query (e.g. the investigation report's) succeeds with no rows and is only counted. */
  function startOtherQuery() {
    fake.otherQueries++;
    const id = `other-${fake.otherQueries}`;
    executions.set(id, { id, windowStart: '', submitted: clock(), state: 'SUCCEEDED', actors: [] });
    return { QueryExecutionId: id };
  }

  function executionOf(id: string | undefined): Execution {
    const run = executions.get(id ?? '');
    if (!run) throw new Error(`fake Athena: no query ${id}`);
    return run;
  }

  install();
  return fake;
}

function stateOf(plan: AthenaPlan): QueryExecutionState {
  switch (plan.kind) {
    case 'fail':
      return 'FAILED';
    case 'cancel':
      return 'CANCELLED';
    case 'hang':
      return 'RUNNING';
    default:
      return 'SUCCEEDED';
  }
}

/** The first TIMESTAMP literal of a detector query is its window start: `2026-03-17T02:00:00.000Z`. */
function windowStartOf(sql: string): string {
  const literal = /TIMESTAMP '([^']+)'/.exec(sql)?.[1];
  if (literal === undefined) throw new Error('fake Athena: a query without a window start');
  return `${literal.replace(' ', 'T')}Z`;
}
