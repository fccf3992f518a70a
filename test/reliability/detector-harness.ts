/**
 * The detector Lambda as it runs in AWS, with only the AWS edge faked: the real handler, runtime,
 * runner, Athena engine, DynamoDB state store (lease, dedup, conditional watermark) and S3/SNS
 * sinks, over the scripted Athena of `fake-athena.ts`, the in-memory table of
 * `fake-state-table.ts`, and SNS/S3 mocks that record what they accepted. Time is a fake clock the
 * test moves; an invocation's remaining time counts down on that clock.
 */
import { PutObjectCommand, type PutObjectCommandInput, S3Client } from '@aws-sdk/client-s3';
import {
  type BatchResultErrorEntry,
  PublishBatchCommand,
  type PublishBatchCommandInput,
  type PublishBatchRequestEntry,
  SNSClient,
} from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import { findingId } from '../../lambdas/core/finding.ts';
import { AthenaEngine } from '../../lambdas/engines/athena-engine.ts';
import { createDetectorHandler } from '../../lambdas/handlers/detector-handler.ts';
import type { InvocationOutcome } from '../../lambdas/handlers/detector-invocation.ts';
import { createDetectorRuntime, type RuntimeOverrides } from '../../lambdas/handlers/detector-runtime.ts';
import { testClients, testConfig, writeTestQueries } from '../aws/detector-setup.ts';
import { lambdaContext } from '../aws/lambda-context.ts';
import { type CapturedOutput, captureOutput } from '../aws/powertools-output.ts';
import { type FakeAthena, fakeAthena } from './fake-athena.ts';
import { type FakeStateTable, fakeStateTable } from './fake-state-table.ts';

export const DETECTOR = 'hourly-export';

/** The start of hour `h` of the test day, e.g. `hour(2)` is 2026-03-17T02:00:00.000Z. */
export function hour(h: number): string {
  return `2026-03-17T${String(h).padStart(2, '0')}:00:00.000Z`;
}

/**
 * The hooks every detector-Lambda fault test file needs: the test queries written once, the
 * harness reset before each test (then `setup`, e.g. the Athena plan), and Powertools output
 * captured per test. `output` always reads the current test's capture.
 */
export function useDetectorLambda(setup: (lambda: DetectorHarness) => void = () => {}): {
  readonly lambda: DetectorHarness;
  readonly output: CapturedOutput;
} {
  let queries: Awaited<ReturnType<typeof writeTestQueries>> | undefined;
  beforeAll(async () => {
    queries = await writeTestQueries();
  });
  afterAll(() => queries?.remove());
  const lambda = detectorHarness(() => {
    if (!queries) throw new Error('the test queries are written in beforeAll');
    return queries.detectorsDir;
  });
  let current: CapturedOutput | undefined;
  const capture = () => {
    if (!current) throw new Error('output is captured during a test only');
    return current;
  };
  beforeEach(() => {
    lambda.reset();
    setup(lambda);
    current = captureOutput();
  });
  afterEach(() => current?.restore());
  const output: CapturedOutput = {
    get logs() {
      return capture().logs;
    },
    get metrics() {
      return capture().metrics;
    },
    text: () => capture().text(),
    restore: () => capture().restore(),
  };
  return { lambda, output };
}

/** The id of the finding `hourly-export` raises for `actor` in the hour starting at `windowStart`. */
export function findingIdOf(actor: string, windowStart: string): string {
  const start = new Date(windowStart);
  return findingId(DETECTOR, actor, { start, end: new Date(start.getTime() + 3_600_000) });
}

/** What SNS accepted: one entry per finding delivered to the topic's subscribers. */
export interface Delivered {
  readonly id: string;
  readonly message: string;
}

/** A failed entry as SNS reports it in `PublishBatch`'s `Failed`. */
export type SnsFault = Pick<BatchResultErrorEntry, 'Code' | 'SenderFault'>;

export interface InvokeOptions {
  readonly requestId?: string;
  /** The invocation's time left when it starts. @default 600 s */
  readonly remainingMs?: number;
  /** @default hourly-export */
  readonly detector?: string;
  /** Environment on top of `TEST_ENV` (e.g. `MAX_WINDOWS_PER_RUN`). */
  readonly env?: Record<string, string>;
  /**
   * Build the Athena engine as the runtime does, but with its waits on the fake clock, so
   * throttling backoff and polling cost no real time. Without it the runtime's own engine runs.
   */
  readonly fakeSleep?: boolean;
}

export interface DetectorHarness {
  readonly clock: { now: Date };
  readonly athena: FakeAthena;
  readonly state: FakeStateTable;
  /** Entries SNS accepted, across every invocation, in order. */
  readonly delivered: Delivered[];
  /** The entry ids of each PublishBatch call, in order. */
  readonly publishCalls: string[][];
  /** Answers an entry with a failure; undefined publishes it. */
  snsFault: ((entry: PublishBatchRequestEntry, call: number) => SnsFault | undefined) | undefined;
  /** Keys of the findings-history objects written. */
  readonly historyKeys: string[];
  /** Backoff and poll waits the engine asked for (with `fakeSleep`). */
  readonly sleeps: number[];
  invoke(options?: InvokeOptions): Promise<InvocationOutcome>;
  /** Moves the fake clock to `iso`. */
  at(iso: string): void;
  watermark(): string | undefined;
  /** Finding ids SNS accepted, in order, repeats included. */
  deliveredIds(): string[];
  /** Back to a fresh deployment at 03:20 UTC: empty table, Athena answering, nothing published. */
  reset(): void;
}

export function detectorHarness(detectorsDir: () => string): DetectorHarness {
  const clock = { now: new Date('2026-03-17T03:20:00Z') };
  const now = () => clock.now;
  const athena = fakeAthena(now);
  const state = fakeStateTable();
  const sns = mockClient(SNSClient);
  const s3 = mockClient(S3Client);
  const harness: DetectorHarness = {
    clock,
    athena,
    state,
    delivered: [],
    publishCalls: [],
    snsFault: undefined,
    historyKeys: [],
    sleeps: [],
    invoke: (invocation = {}) => invoke(invocation),
    at: (iso) => {
      clock.now = new Date(iso);
    },
    watermark: () => state.watermark(DETECTOR),
    deliveredIds: () => harness.delivered.map((entry) => entry.id),
    reset: () => {
      clock.now = new Date('2026-03-17T03:20:00Z');
      athena.reset();
      state.reset();
      harness.delivered.length = 0;
      harness.publishCalls.length = 0;
      harness.historyKeys.length = 0;
      harness.sleeps.length = 0;
      harness.snsFault = undefined;
      sns.reset();
      s3.reset();
      install();
    },
  };

  function install(): void {
    sns.on(PublishBatchCommand).callsFake((input: PublishBatchCommandInput) => {
      const entries = input.PublishBatchRequestEntries ?? [];
      const call = harness.publishCalls.push(entries.map((entry) => entry.Id ?? ''));
      const successful = [];
      const failed = [];
      for (const entry of entries) {
        const fault = harness.snsFault?.(entry, call);
        if (fault) {
          failed.push({ Id: entry.Id, Code: fault.Code, SenderFault: fault.SenderFault });
        } else {
          harness.delivered.push({ id: entry.Id ?? '', message: entry.Message ?? '' });
          successful.push({ Id: entry.Id, MessageId: `m-${call}-${entry.Id}` });
        }
      }
      return { Successful: successful, Failed: failed };
    });
    s3.on(PutObjectCommand).callsFake((input: PutObjectCommandInput) => {
      // The findings history only: reports and flood archives are other objects in the bucket.
      if (input.Key?.includes('/findings/dt=')) harness.historyKeys.push(input.Key);
      return {};
    });
  }
  install();

  async function invoke({
    requestId = 'req-1',
    remainingMs = 600_000,
    detector = DETECTOR,
    env = {},
    fakeSleep = false,
  }: InvokeOptions) {
    const config = testConfig(detectorsDir(), env);
    const clients = testClients();
    const overrides: RuntimeOverrides = {
      clock: now,
      ...(fakeSleep
        ? {
            openEngine: async (invocation) =>
              new AthenaEngine({
                client: clients.athena,
                workGroup: config.athena.workGroup,
                database: config.athena.database,
                maxRows: config.athena.maxRows,
                remainingMs: () => invocation.remainingMs() - config.athena.safetyMarginMs,
                clock: now,
                sleep: async (ms) => {
                  harness.sleeps.push(ms);
                  clock.now = new Date(clock.now.getTime() + ms);
                },
              }),
          }
        : {}),
    };
    const runtime = createDetectorRuntime(config, clients, overrides);
    const deadline = clock.now.getTime() + remainingMs;
    const context = {
      ...lambdaContext(requestId),
      getRemainingTimeInMillis: () => deadline - clock.now.getTime(),
    };
    return createDetectorHandler(() => runtime)({ detector }, context);
  }

  return harness;
}
