/**
 * SNS failing part of a `PublishBatch` under the detector Lambda. Within an invocation only the
 * failed entries are sent again; when some still fail, the invocation fails with the watermark
 * before the window, and the next one publishes the whole window again under the same finding
 * ids (at-least-once on the topic; the ticketing side files each id once).
 *
 * The 02:00 window of `hourly-export` flags twelve employees: two PublishBatch calls (10 + 2).
 */
import type { PublishBatchRequestEntry } from '@aws-sdk/client-sns';
import { describe, expect, it } from 'vitest';
import { findingIdOf, hour, useDetectorLambda } from './detector-harness.ts';

const H02 = hour(2);
const H03 = hour(3);
const H04 = hour(4);
const ACTORS = Array.from({ length: 12 }, (_, i) => `emp-${String(i + 1).padStart(2, '0')}`);
const IDS = ACTORS.map((actor) => findingIdOf(actor, H02));
const id = (actor: string) => findingIdOf(actor, H02);

const { lambda, output } = useDetectorLambda((lambda) => {
  lambda.athena.plan = (windowStart) => ({ kind: 'succeed', actors: windowStart === H02 ? ACTORS : [] });
});

/** How many times SNS accepted each finding id. */
function deliveries(): Map<string, number> {
  const counts = new Map<string, number>();
  for (const delivered of lambda.deliveredIds()) counts.set(delivered, (counts.get(delivered) ?? 0) + 1);
  return counts;
}

const failing =
  (
    actors: readonly string[],
    fault: { Code: string; SenderFault: boolean },
    calls = Number.POSITIVE_INFINITY,
  ) =>
  (entry: PublishBatchRequestEntry, call: number) =>
    call <= calls && actors.some((actor) => id(actor) === entry.Id) ? fault : undefined;

describe('SNS partial failures under the detector Lambda', () => {
  it('sends only the failed entries again and delivers every finding exactly once', async () => {
    lambda.snsFault = failing(['emp-03', 'emp-07'], { Code: 'InternalError', SenderFault: false }, 1);

    const outcome = await lambda.invoke();

    expect(outcome).toMatchObject({ status: 'ran', report: { published: 12 } });
    expect(lambda.publishCalls.map((call) => call.length)).toEqual([10, 2, 2]);
    expect(lambda.publishCalls[1]).toEqual([id('emp-03'), id('emp-07')]);
    expect([...deliveries().keys()].sort()).toEqual([...IDS].sort());
    expect([...deliveries().values()].every((count) => count === 1)).toBe(true);
    expect(lambda.watermark()).toBe(H03);
  });

  it('keeps the window when entries fail on every attempt, and the next run delivers the rest without losing any', async () => {
    lambda.snsFault = failing(['emp-05'], { Code: 'InternalError', SenderFault: false });

    await expect(lambda.invoke()).rejects.toThrow(
      /^hourly-export: SNS auditlake-findings: 1 of 12 findings were not published \(1 × InternalError\)$/,
    );
    expect(lambda.publishCalls.filter((call) => call.includes(id('emp-05')))).toHaveLength(3);
    expect(lambda.watermark()).toBe(H02);
    expect(deliveries().has(id('emp-05'))).toBe(false);
    expect(output.metrics.at(-1)).toMatchObject({ DetectorFailed: 1, WindowsBehind: 1 });

    lambda.snsFault = undefined;
    lambda.at('2026-03-17T04:20:00Z');
    const retried = await lambda.invoke({ requestId: 'req-2' });

    expect(retried).toMatchObject({ status: 'ran', report: { windows: 2, published: 12 } });
    expect(lambda.watermark()).toBe(H04);
    // None lost; the eleven already on the topic are sent again with the same ids.
    expect([...deliveries().keys()].sort()).toEqual([...IDS].sort());
    expect(deliveries().get(id('emp-05'))).toBe(1);
    expect(deliveries().get(id('emp-01'))).toBe(2);
    // The history object of the window was overwritten, not written twice under two keys.
    expect(new Set(lambda.historyKeys).size).toBe(1);
    expect(output.text()).not.toContain('emp-05');
  });

  it('does not retry a sender fault inside the invocation, and holds the window until it is fixed', async () => {
    lambda.snsFault = failing(['emp-09'], { Code: 'InvalidParameter', SenderFault: true });

    await expect(lambda.invoke()).rejects.toThrow(
      /1 of 12 findings were not published \(1 × InvalidParameter\)$/,
    );
    expect(lambda.publishCalls.filter((call) => call.includes(id('emp-09')))).toHaveLength(1);
    lambda.at('2026-03-17T04:20:00Z');
    await expect(lambda.invoke({ requestId: 'req-2' })).rejects.toThrow(/InvalidParameter/);

    expect(lambda.watermark()).toBe(H02);
    expect(deliveries().has(id('emp-09'))).toBe(false);
    expect(output.metrics.at(-1)).toMatchObject({ DetectorFailed: 1, WindowsBehind: 2 });
  });
});
