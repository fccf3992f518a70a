/**
 * The ticket provider misbehaving under the ticketing Lambda: 429 with Retry-After, 5xx, no answer,
 * answers that are not what was asked for. Each finding ends either as exactly one ticket or, when
 * the provider never recovers, in the dead-letter queue after the deployed `maxReceiveCount`
 * deliveries (SQS is modelled in `ticketing-harness.ts`; the count is read from the construct).
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Finding } from '../../lambdas/core/finding.ts';
import { type CapturedOutput, captureOutput } from '../aws/powertools-output.ts';
import { sampleFinding } from '../support/findings.ts';
import type { JiraAnswer } from './jira-stand-in.ts';
import { type RedrivePolicy, ticketingRedrivePolicy } from './redrive-policy.ts';
import {
  HTTP_ATTEMPTS,
  type QueuedMessage,
  type TicketingHarness,
  ticketingHarness,
} from './ticketing-harness.ts';

let ticketing: TicketingHarness;
let redrive: RedrivePolicy;
let output: CapturedOutput;

beforeAll(async () => {
  redrive = ticketingRedrivePolicy();
  ticketing = await ticketingHarness();
});
afterAll(() => ticketing.close());
beforeEach(() => {
  ticketing.reset();
  output = captureOutput();
});
afterEach(() => output.restore());

const finding = (id: string, overrides: Partial<Finding> = {}): Finding =>
  sampleFinding({ finding_id: id, actor_id: `emp-${id}`, ...overrides });

/** Findings as the queue receives them (raw message delivery: the finding JSON). */
const queued = (...findings: Finding[]): QueuedMessage[] =>
  findings.map((item, i) => ({ messageId: `m${i + 1}`, body: JSON.stringify(item) }));

const drain = (messages: QueuedMessage[], beforeRound?: (round: number) => void) =>
  ticketing.drain(messages, {
    maxReceiveCount: redrive.maxReceiveCount,
    ...(beforeRound ? { beforeRound } : {}),
  });

/** Answers `first[n - 1]` to a finding's n-th request, then creates the issue. */
function answersInTurn(...first: JiraAnswer[]): void {
  ticketing.jira.answer = (_id, attempt) => first[attempt - 1] ?? { kind: 'create' };
}

const failureLogs = () => output.logs.filter((log) => log.message === 'ticket not created');
const metricTotal = (name: string) =>
  output.metrics.reduce((sum, emf) => sum + (typeof emf[name] === 'number' ? emf[name] : 0), 0);

describe('ticketing faults', () => {
  it('deploys the ticketing queue with a redrive policy to its dead-letter queue after 5 receives', () => {
    expect(redrive).toEqual({ maxReceiveCount: 5, targetsDeadLetterQueue: true });
  });

  it('honours a short Retry-After on 429 inside the invocation and files one ticket', async () => {
    answersInTurn({ kind: 'status', status: 429, headers: { 'retry-after': '0' } });
    const result = await drain(queued(finding('t429a')));
    expect(result.receives.get('m1')).toBe(1);
    expect(ticketing.jira.requests).toEqual(['t429a', 't429a']);
    expect(ticketing.jira.ticketsPerFinding()).toEqual(new Map([['t429a', 1]]));
  });

  it('leaves a long Retry-After to SQS: the record fails, and the redelivery files one ticket', async () => {
    // 1 s is longer than TICKETING_HTTP_MAX_DELAY_MS (500 ms): not worth waiting inside the Lambda.
    answersInTurn({ kind: 'status', status: 429, headers: { 'retry-after': '1' } });
    const result = await drain(queued(finding('t429b')));
    expect(result.failures).toEqual([['m1'], []]);
    expect(ticketing.jira.requests).toEqual(['t429b', 't429b']);
    expect(ticketing.jira.ticketsPerFinding()).toEqual(new Map([['t429b', 1]]));
    expect(failureLogs()[0]).toMatchObject({ findingId: 't429b', status: 429, retryable: true });
  });

  it('retries 500s inside the invocation and files one ticket when the provider recovers', async () => {
    answersInTurn(
      { kind: 'status', status: 500, body: '{"errorMessages":["Internal server error"]}' },
      { kind: 'status', status: 503 },
    );
    const result = await drain(queued(finding('t500')));
    expect(result.receives.get('m1')).toBe(1);
    expect(ticketing.jira.requests).toHaveLength(3);
    expect(ticketing.jira.ticketsPerFinding()).toEqual(new Map([['t500', 1]]));
  });

  it('sends a finding the provider keeps refusing with 500 to the dead-letter queue after maxReceiveCount deliveries', async () => {
    ticketing.jira.answer = () => ({
      kind: 'status',
      status: 500,
      body: '{"errorMessages":["Internal server error"]}',
    });
    const result = await drain(queued(finding('tdown')));

    expect(result.receives.get('m1')).toBe(redrive.maxReceiveCount);
    expect(result.failures).toEqual(Array.from({ length: redrive.maxReceiveCount }, () => ['m1']));
    expect(result.deadLettered).toEqual(['m1']);
    // A batch whose every record failed makes Powertools throw: the invocation fails as a whole.
    expect(result.invocationErrors).toEqual(
      Array.from({ length: redrive.maxReceiveCount }, () => 'FullBatchFailureError'),
    );
    expect(ticketing.jira.requests).toHaveLength(HTTP_ATTEMPTS * redrive.maxReceiveCount);
    expect(ticketing.jira.issues).toEqual([]);
    expect(failureLogs()).toHaveLength(redrive.maxReceiveCount);
    expect(failureLogs()[0]).toMatchObject({
      findingId: 'tdown',
      provider: 'jira',
      problem: 'HTTP 500',
      retryable: true,
      providerMessage: 'Internal server error',
    });
    expect(metricTotal('TicketFailures')).toBe(redrive.maxReceiveCount);
  });

  it('retries a request that got no answer in time and files one ticket', async () => {
    answersInTurn({ kind: 'hang' });
    const result = await drain(queued(finding('tslow')));
    expect(result.receives.get('m1')).toBe(1);
    expect(ticketing.jira.requests).toEqual(['tslow', 'tslow']);
    expect(ticketing.jira.ticketsPerFinding()).toEqual(new Map([['tslow', 1]]));
  });

  it('fails a delivery whose every try timed out, and files one ticket on the redelivery', async () => {
    answersInTurn({ kind: 'hang' }, { kind: 'hang' }, { kind: 'hang' });
    const result = await drain(queued(finding('tslow2')));
    expect(result.failures).toEqual([['m1'], []]);
    expect(failureLogs()[0]).toMatchObject({
      findingId: 'tslow2',
      problem: 'no answer in 1000 ms',
      retryable: true,
    });
    expect(ticketing.jira.ticketsPerFinding()).toEqual(new Map([['tslow2', 1]]));
  });

  it('retries an HTML error page and a dropped connection, then files one ticket', async () => {
    answersInTurn(
      {
        kind: 'status',
        status: 502,
        headers: { 'content-type': 'text/html' },
        body: '<html>Bad gateway</html>',
      },
      { kind: 'reset' },
    );
    const result = await drain(queued(finding('tjunk')));
    expect(result.receives.get('m1')).toBe(1);
    expect(ticketing.jira.requests).toHaveLength(3);
    expect(ticketing.jira.ticketsPerFinding()).toEqual(new Map([['tjunk', 1]]));
  });

  it('keeps a ticket whose create answer is not JSON rather than filing it again, also when SQS redelivers it', async () => {
    answersInTurn({ kind: 'create-garbled' });
    const first = await drain(queued(finding('tgarbled')));
    const again = await drain(queued(finding('tgarbled')));
    expect([...first.failures, ...again.failures]).toEqual([[], []]);
    expect(ticketing.jira.requests).toEqual(['tgarbled']);
    expect(ticketing.jira.ticketsPerFinding()).toEqual(new Map([['tgarbled', 1]]));
  });

  it('keeps a ticket whose 201 answer was cut off mid-body rather than filing it again', async () => {
    answersInTurn({ kind: 'create-then-cut' });
    const result = await drain(queued(finding('tcut')));
    expect(result.failures).toEqual([[]]);
    expect(ticketing.jira.requests).toEqual(['tcut']);
    expect(ticketing.jira.ticketsPerFinding()).toEqual(new Map([['tcut', 1]]));
  });

  it('sends a message that is not a finding to the dead-letter queue without calling the provider', async () => {
    const result = await drain([{ messageId: 'm1', body: '{"finding_id":"x"}' }]);
    expect(result.deadLettered).toEqual(['m1']);
    expect(result.receives.get('m1')).toBe(redrive.maxReceiveCount);
    expect(ticketing.jira.requests).toEqual([]);
  });

  it('redelivers only the refused finding of a batch: the others get one ticket each, it ends in the dead-letter queue', async () => {
    ticketing.jira.answer = (id) =>
      id === 'tbad'
        ? {
            kind: 'status',
            status: 400,
            body: '{"errorMessages":[],"errors":{"priority":"Field cannot be set"}}',
          }
        : { kind: 'create' };
    const result = await drain(queued(finding('tok1'), finding('tbad'), finding('tok2')));

    expect(result.failures).toEqual(Array.from({ length: redrive.maxReceiveCount }, () => ['m2']));
    expect(result.deadLettered).toEqual(['m2']);
    expect(ticketing.jira.ticketsPerFinding()).toEqual(
      new Map([
        ['tok1', 1],
        ['tok2', 1],
      ]),
    );
    // A 400 is final: one request per delivery.
    expect(ticketing.jira.requests.filter((id) => id === 'tbad')).toHaveLength(redrive.maxReceiveCount);
    expect(failureLogs()[0]).toMatchObject({
      status: 400,
      retryable: false,
      providerMessage: 'priority: Field cannot be set',
    });
  });

  it('files a second ticket when the provider created one but its answer never came (the known gap), both labelled with the finding id', async () => {
    answersInTurn({ kind: 'create-then-hang' });
    await drain(queued(finding('tgap')));
    // Not exactly-once: two issues, found by their common finding-<id> label.
    expect(ticketing.jira.ticketsPerFinding()).toEqual(new Map([['tgap', 2]]));
  });

  it('writes no evidence to the logs of failed deliveries', async () => {
    ticketing.jira.answer = () => ({ kind: 'status', status: 500 });
    await drain(queued(finding('tpii', { evidence: { resource_id: 'customer-record-4242' } })));
    expect(failureLogs().length).toBeGreaterThan(0);
    expect(output.text()).not.toContain('customer-record-4242');
  });
});
