/**
 * The detector Lambda failing after it published (the watermark write fails, or SNS took only part
 * of a window), re-run, and everything SNS accepted in both runs fed through the ticketing Lambda:
 * at-least-once publishing plus the idempotent ticketing side gives exactly one ticket per finding.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DetectorRunError } from '../../lambdas/handlers/detector-invocation.ts';
import { findingIdOf, hour, useDetectorLambda } from './detector-harness.ts';
import { queuedFromTopic, type TicketingHarness, ticketingHarness } from './ticketing-harness.ts';

const H02 = hour(2);
const H03 = hour(3);
const FLAGGED = ['emp-b', 'emp-x'];
const IDS = FLAGGED.map((actor) => findingIdOf(actor, H02));
/** The deployed redrive policy's count (asserted against the construct in ticketing-faults.test.ts). */
const MAX_RECEIVE_COUNT = 5;

let ticketing: TicketingHarness;
beforeAll(async () => {
  ticketing = await ticketingHarness();
});
afterAll(() => ticketing.close());

const { lambda, output } = useDetectorLambda((lambda) => {
  ticketing.reset();
  lambda.athena.plan = (windowStart) => ({ kind: 'succeed', actors: windowStart === H02 ? FLAGGED : [] });
});

/**
 * Everything SNS accepted, in one go through the ticketing queue (the hard case: both copies of a
 * finding in one batch). Nothing may reach the dead-letter queue.
 */
async function ticketEverythingPublished() {
  const result = await ticketing.drain(queuedFromTopic(lambda.delivered), {
    maxReceiveCount: MAX_RECEIVE_COUNT,
  });
  expect(result.deadLettered).toEqual([]);
  return { result, tickets: ticketing.jira.ticketsPerFinding() };
}

describe('crash recovery', () => {
  it('republishes a window whose watermark write failed after its publish, and files one ticket per finding', async () => {
    let failed = false;
    lambda.state.beforeWrite = (input) => {
      if (input.Item?.pk === 'watermark#hourly-export' && input.Item.watermark === H03 && !failed) {
        failed = true;
        throw Object.assign(new Error('socket hang up'), { name: 'TimeoutError' });
      }
    };

    await expect(lambda.invoke()).rejects.toBeInstanceOf(DetectorRunError);
    expect(lambda.watermark()).toBe(H02);
    expect(lambda.deliveredIds().sort()).toEqual([...IDS].sort());

    // The scheduler's retry two minutes later.
    lambda.at('2026-03-17T03:22:00Z');
    const retried = await lambda.invoke({ requestId: 'req-2' });

    expect(retried).toMatchObject({ status: 'ran', report: { windows: 1, published: 2, duplicates: 0 } });
    expect(lambda.watermark()).toBe(H03);
    // At-least-once on the topic: each finding id twice, under the same id.
    expect(lambda.deliveredIds().sort()).toEqual([...IDS, ...IDS].sort());
    const { result, tickets } = await ticketEverythingPublished();
    expect(tickets).toEqual(new Map(IDS.map((id) => [id, 1])));
    expect(ticketing.jira.requests.sort()).toEqual([...IDS].sort());
    // The copies in the same batch found their finding being filed, were handed back, and on
    // redelivery found the stored ticket.
    expect(result.failures).toEqual([['msg-3', 'msg-4'], []]);
    expect(output.logs.filter((log) => log.message === 'ticket created')).toHaveLength(2);
  });

  it('files one ticket per finding after SNS took only part of a window and the next run published it again', async () => {
    lambda.snsFault = (entry, call) =>
      call <= 3 && entry.Id === IDS[1] ? { Code: 'InternalError', SenderFault: false } : undefined;

    await expect(lambda.invoke()).rejects.toThrow(/1 of 2 findings were not published/);
    lambda.at('2026-03-17T04:20:00Z');
    await lambda.invoke({ requestId: 'req-2' });

    expect(lambda.deliveredIds()).toEqual([IDS[0], IDS[0], IDS[1]]);
    const { tickets } = await ticketEverythingPublished();
    expect(tickets).toEqual(new Map(IDS.map((id) => [id, 1])));
  });
});
