import type { Finding } from '../../lambdas/core/finding.ts';

export function sampleFinding(overrides: Partial<Finding> = {}): Finding {
  return {
    finding_id: '0123456789abcdef0123456789abcdef',
    detector_id: 'record-access-spike',
    title: 'Record access far above baseline',
    severity: 'high',
    actor_id: 'emp-0042',
    window_start: '2026-01-01T00:00:00.000Z',
    window_end: '2026-01-02T00:00:00.000Z',
    summary: 'read 3912 distinct records in the day, 95.4x the own history median of 41',
    score: 48.2,
    first_seen: '2026-01-01T09:02:11.000Z',
    last_seen: '2026-01-01T16:40:00.000Z',
    event_count: 4100,
    evidence: { distinct_records: 3912, baseline_median: 41 },
    detected_at: '2026-01-02T00:20:00.000Z',
    runbook: 'Check it.',
    tags: ['T1213'],
    suppression: null,
    ...overrides,
  };
}
