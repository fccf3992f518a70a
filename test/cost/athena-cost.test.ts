import { describe, expect, it } from 'vitest';
import { parseDetector } from '../../lambdas/core/detector.ts';
import {
  ATHENA_MIN_BYTES_PER_QUERY,
  averageWindowDays,
  billedBytes,
  estimateCosts,
  type LakeSizes,
  referencedColumns,
  usd,
} from '../../lambdas/cost/athena-cost.ts';
import { detectorText } from '../support/detector-text.ts';

const HOUR_MS = 3_600_000;

const SIZES: LakeSizes = {
  source: 'test',
  eventsPerEmployeeDay: 100,
  rawColumnBytesPerEvent: { actor_id: 2, action: 1, record_count: 3, bytes: 4 },
  rollupBytesPerEmployeeDay: { employee_daily: 50 },
};

const ROLLUPS = [
  {
    id: 'employee-daily',
    table: 'employee_daily',
    sql: 'SELECT actor_id, sum(record_count) FROM audit_events WHERE dt = :window_start_dt GROUP BY actor_id',
  },
];

const HOURLY = parseDetector(
  'queries/detectors/t.sql',
  detectorText(
    {},
    "SELECT actor_id, 'x' AS summary FROM audit_events WHERE dt BETWEEN :window_start_dt AND :window_end_dt AND action = 'export' GROUP BY actor_id",
  ),
);

const BASELINE = parseDetector(
  'queries/detectors/b.sql',
  detectorText(
    { id: 'b', schedule: 'rate(1 day)', window: '1d', lookback: '28d', rollups: ['employee-daily'] },
    "SELECT actor_id, 'x' AS summary FROM audit_events JOIN employee_daily USING (actor_id) WHERE dt BETWEEN :window_start_dt AND :window_end_dt GROUP BY actor_id",
  ),
);

describe('billing', () => {
  it('bills a small query as the 10 MB minimum', () => {
    expect(billedBytes(1_000)).toBe(ATHENA_MIN_BYTES_PER_QUERY);
  });

  it('bills a large query as what it scanned', () => {
    expect(billedBytes(5e9)).toBe(5e9);
  });

  it('charges $5 per terabyte', () => {
    expect(usd(2e12)).toBe(10);
  });
});

describe('referencedColumns', () => {
  it('finds the columns the SQL names as whole words, ignoring comments', () => {
    const sql =
      "-- bytes are ignored here\nSELECT actor_id, record_count FROM audit_events WHERE action = 'x'";
    expect(referencedColumns(sql, ['actor_id', 'action', 'record_count', 'bytes'])).toEqual([
      'actor_id',
      'action',
      'record_count',
    ]);
  });
});

describe('averageWindowDays', () => {
  it('counts one partition for an hourly window', () => {
    expect(averageWindowDays(HOURLY)).toBe(1);
  });

  it('counts one partition for a daily window ending at midnight', () => {
    expect(averageWindowDays(BASELINE)).toBe(1);
  });

  it('counts two partitions for most hours of a one-day window run hourly', () => {
    const detector = { schedule: HOURLY.schedule, windowMs: 24 * HOUR_MS };
    expect(averageWindowDays(detector)).toBeCloseTo(1 + 23 / 24);
  });
});

describe('estimateCosts', () => {
  const report = estimateCosts([HOURLY, BASELINE], ROLLUPS, SIZES, { employees: 1000, cadenceMs: HOUR_MS });
  const [hourly, baseline] = report.detectors;

  it('runs an hourly detector 720 times a 30-day month', () => {
    expect(hourly?.runsPerMonth).toBe(720);
  });

  it('scans one day of the columns an hourly detector names', () => {
    // 1000 employees × 100 events × (actor_id 2 + action 1) bytes
    expect(hourly?.withRollups.bytesPerRun).toBe(300_000);
  });

  it('reads the lookback from the rollup and only the window from raw events', () => {
    expect(baseline?.withRollups.scans).toEqual([
      { table: 'audit_events', days: 1, columns: ['actor_id'], bytes: 200_000 },
      { table: 'employee_daily', days: 28, columns: ['*'], bytes: 28 * 1000 * 50 },
    ]);
  });

  it('rescans the whole lookback of raw events, with the rollup’s columns, without rollups', () => {
    expect(baseline?.withoutRollups.scans).toEqual([
      { table: 'audit_events', days: 29, columns: ['actor_id', 'record_count'], bytes: 29 * 100_000 * 5 },
    ]);
  });

  it('bills every run at least 10 MB', () => {
    expect(hourly?.withRollups.billedBytesPerMonth).toBe(720 * ATHENA_MIN_BYTES_PER_QUERY);
  });

  it('adds one rollup build a day to the total with rollups', () => {
    expect(report.rollupBuilds.billedBytesPerMonth).toBe(30 * ATHENA_MIN_BYTES_PER_QUERY);
    expect(report.totalWithRollups.billedBytesPerMonth).toBe(
      (hourly?.withRollups.billedBytesPerMonth ?? 0) +
        (baseline?.withRollups.billedBytesPerMonth ?? 0) +
        report.rollupBuilds.billedBytesPerMonth,
    );
  });

  it('runs a detector no more often than the cadence', () => {
    const daily = estimateCosts([HOURLY], ROLLUPS, SIZES, { employees: 1000, cadenceMs: 24 * HOUR_MS });
    expect(daily.detectors[0]?.runsPerMonth).toBe(30);
  });

  it('uses the workload’s events per employee-day over the measured one', () => {
    const busier = estimateCosts([HOURLY], ROLLUPS, SIZES, {
      employees: 1000,
      eventsPerEmployeeDay: 200,
      cadenceMs: HOUR_MS,
    });
    expect(busier.detectors[0]?.withRollups.bytesPerRun).toBe(600_000);
  });
});
