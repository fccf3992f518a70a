/**
 * An Athena outage of several hours under the hourly detector: every scheduled run in it fails
 * and leaves the watermark where the outage began, and the runs after it process every missed
 * window, oldest first, each exactly once, with the watermark moving one window at a time.
 */
import { describe, expect, it } from 'vitest';
import { findingIdOf, hour, useDetectorLambda } from './detector-harness.ts';

const OUTAGE_RUNS = 5;
const H03 = hour(3);
const hours = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => hour(from + i));
/** Each window flags its own employee, so dedup never hides one. */
const actorOf = (windowStart: string) => `emp-h${windowStart.slice(11, 13)}`;

let athenaDown = false;
const { lambda, output } = useDetectorLambda((lambda) => {
  athenaDown = false;
  lambda.athena.plan = (windowStart) =>
    athenaDown ? { kind: 'unavailable' } : { kind: 'succeed', actors: [actorOf(windowStart)] };
});

/** A healthy run at 03:20 (watermark 03:00), then the outage's hourly runs at 04:20 … 08:20. */
async function outage(env: Record<string, string> = {}): Promise<void> {
  await lambda.invoke();
  expect(lambda.watermark()).toBe(H03);
  athenaDown = true;
  for (let run = 1; run <= OUTAGE_RUNS; run++) {
    lambda.at(`2026-03-17T${String(3 + run).padStart(2, '0')}:20:00Z`);
    await expect(lambda.invoke({ requestId: `outage-${run}`, env })).rejects.toThrow(
      /Athena StartQueryExecution failed: InternalServerException/,
    );
    expect(lambda.watermark()).toBe(H03);
    expect(output.metrics.at(-1)).toMatchObject({ DetectorFailed: 1, WindowsBehind: run });
  }
  athenaDown = false;
}

/** What happened after the outage: queries, watermark writes and findings, in order. */
function sinceOutage(before: { queried: number; writes: number; delivered: number }) {
  return {
    queried: lambda.athena.queried.slice(before.queried),
    watermarks: lambda.state.watermarkWrites.slice(before.writes),
    delivered: lambda.deliveredIds().slice(before.delivered),
  };
}

function mark() {
  return {
    queried: lambda.athena.queried.length,
    writes: lambda.state.watermarkWrites.length,
    delivered: lambda.delivered.length,
  };
}

describe('catching up after an outage', () => {
  it(`processes all ${OUTAGE_RUNS} missed windows and the one now due in order, in the first run after the outage`, async () => {
    await outage();
    const before = mark();

    lambda.at('2026-03-17T09:20:00Z');
    const outcome = await lambda.invoke({ requestId: 'after' });

    expect(outcome).toMatchObject({ status: 'ran', report: { windows: 6, published: 6, pendingWindows: 0 } });
    const after = sinceOutage(before);
    expect(after.queried).toEqual(hours(3, 8));
    expect(after.watermarks).toEqual(hours(4, 9));
    expect(after.delivered).toEqual(hours(3, 8).map((start) => findingIdOf(actorOf(start), start)));
    expect(output.metrics.at(-1)).toMatchObject({
      DetectorFailed: 0,
      WindowsBehind: 0,
      FindingsPublished: 6,
    });
    // Each missed window was queried once: the failed runs never got a query started.
    expect(new Set(lambda.athena.queried).size).toBe(lambda.athena.queried.length);
  });

  it('catches up over several runs, oldest window first, when the backlog is larger than MAX_WINDOWS_PER_RUN', async () => {
    const env = { MAX_WINDOWS_PER_RUN: '2' };
    await outage(env);
    const before = mark();

    const behind: unknown[] = [];
    for (const at of ['09:20', '10:20', '11:20', '12:20', '13:20']) {
      lambda.at(`2026-03-17T${at}:00Z`);
      await lambda.invoke({ requestId: `after-${at}`, env });
      behind.push(output.metrics.at(-1)?.WindowsBehind);
    }

    expect(behind).toEqual([4, 3, 2, 1, 0]);
    const after = sinceOutage(before);
    expect(after.queried).toEqual(hours(3, 12));
    expect(after.watermarks).toEqual(hours(4, 13));
    expect(after.delivered).toEqual(hours(3, 12).map((start) => findingIdOf(actorOf(start), start)));
  });
});
