/**
 * The cost model's sizes when no lake is given: measured by `npm run bench` (its
 * `sizes.cost_model` in bench/results.json) on the seeded demo lake named in `source`. Re-measure
 * on your own data with `auditlake cost --lake <dir>`.
 */
import type { LakeSizes } from './athena-cost.ts';

export const DEFAULT_LAKE_SIZES: LakeSizes = {
  source: 'measured by npm run bench on the 5,000 × 30-day demo lake (seed 42), 2026-11-28',
  eventsPerEmployeeDay: 32.11,
  rawColumnBytesPerEvent: {
    action: 0.2389,
    actor_id: 1.6451,
    actor_type: 0.002,
    bytes: 1.0552,
    destination: 0.01,
    details: 0.0263,
    device_id: 1.6446,
    event_id: 0.3994,
    event_time: 1.9208,
    justification_id: 1.6477,
    outcome: 0.0049,
    record_count: 0.4299,
    resource_id: 3.5323,
    resource_type: 0.2883,
    source_ip: 1.6979,
    source_system: 0.2457,
  },
  rollupBytesPerEmployeeDay: {
    employee_daily: 24.8873,
    employee_hourly: 15.1586,
  },
};
