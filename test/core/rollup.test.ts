import { describe, expect, it } from 'vitest';
import { parseDetector } from '../../lambdas/core/detector.ts';
import { DetectorError } from '../../lambdas/core/errors.ts';
import {
  buildRollups,
  parseRollup,
  type RollupStore,
  renderRollupDay,
  rollupDays,
} from '../../lambdas/core/rollup.ts';
import { detectorText } from '../support/detector-text.ts';

const DAY = 86_400_000;
const ROLLUP = `/*
id: employee-daily
table: employee_daily
description: Daily aggregates.
*/
SELECT actor_id, count(*) AS events FROM audit_events
WHERE dt = :window_start_dt AND event_time >= :window_start AND event_time < :window_end
GROUP BY actor_id`;

const rollup = parseRollup('queries/rollups/employee-daily.sql', ROLLUP);
const detector = parseDetector(
  'queries/detectors/t.sql',
  detectorText({ schedule: 'rate(1 day)', window: '1d', lookback: '3d', rollups: ['employee-daily'] }),
);
const day = (dt: string) => ({
  start: new Date(`${dt}T00:00:00Z`),
  end: new Date(Date.parse(`${dt}T00:00:00Z`) + DAY),
});

class RecordingStore implements RollupStore {
  readonly written: string[] = [];
  constructor(private readonly existing: string[] = []) {}
  async existingPartitions(_table: string, fromDt: string, toDt: string) {
    return new Set(this.existing.filter((dt) => dt >= fromDt && dt <= toDt));
  }
  async writePartition(table: string, dt: string, sql: string) {
    expect(sql).toContain(`dt = '${dt}'`);
    this.written.push(`${table}/${dt}`);
  }
}

describe('rollups', () => {
  it('needs the lookback days before each window, not the window itself', () => {
    expect(rollupDays(detector, [day('2026-01-10'), day('2026-01-11')])).toEqual([
      '2026-01-07',
      '2026-01-08',
      '2026-01-09',
      '2026-01-10',
    ]);
  });

  it('needs nothing for a detector without a lookback', () => {
    const noLookback = parseDetector(
      'queries/detectors/t.sql',
      detectorText({ rollups: ['employee-daily'] }),
    );
    expect(rollupDays(noLookback, [day('2026-01-10')])).toEqual([]);
  });

  it('renders one UTC day as the rollup window', () => {
    const sql = renderRollupDay(rollup, '2026-01-07');
    expect(sql).toContain("dt = '2026-01-07' AND event_time >= TIMESTAMP '2026-01-07 00:00:00.000'");
    expect(sql).toContain("event_time < TIMESTAMP '2026-01-08 00:00:00.000'");
  });

  it('builds only the days that are missing', async () => {
    const store = new RecordingStore(['2026-01-08']);
    const written = await buildRollups(detector, [day('2026-01-10')], { catalog: [rollup], store });
    expect(store.written).toEqual(['employee_daily/2026-01-07', 'employee_daily/2026-01-09']);
    expect(written).toBe(2);
  });

  it('rebuilds every day when asked', async () => {
    const store = new RecordingStore(['2026-01-08']);
    await buildRollups(detector, [day('2026-01-10')], { catalog: [rollup], store, rebuild: true });
    expect(store.written).toHaveLength(3);
  });

  it('names the detector and the rollup it cannot find', async () => {
    await expect(
      buildRollups(detector, [day('2026-01-10')], { catalog: [], store: new RecordingStore() }),
    ).rejects.toThrow('t: needs rollup "employee-daily", which is not in queries/rollups');
  });

  it('rejects a rollup whose table name is not snake_case', () => {
    const text = ROLLUP.replace('table: employee_daily', 'table: Employee-Daily');
    expect(() => parseRollup('queries/rollups/employee-daily.sql', text)).toThrow(DetectorError);
    expect(() => parseRollup('queries/rollups/employee-daily.sql', text)).toThrow(
      'queries/rollups/employee-daily.sql: table: expected a snake_case table name like employee_daily',
    );
  });
});
