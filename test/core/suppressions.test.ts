import { describe, expect, it } from 'vitest';
import { parseDetector } from '../../lambdas/core/detector.ts';
import { runDetectors } from '../../lambdas/core/runner.ts';
import { expiredSuppressions, findSuppression, parseSuppressions } from '../../lambdas/core/suppressions.ts';
import { MemoryStateStore } from '../../lambdas/stores/memory-state-store.ts';
import { detectorText } from '../support/detector-text.ts';
import { CaptureSink, FakeEngine } from '../support/fake-engine.ts';
import { sampleFinding } from '../support/findings.ts';

const FILE = 'queries/suppressions.yaml';

const entries = parseSuppressions(
  FILE,
  `suppressions:
  - detector: record-access-spike
    actor: emp-0042
    reason: Data migration CHG-1
    owner: secops
    expires: 2026-01-31
  - actor: emp-oncall
    match: { largest_destination: printer }
    reason: Prints runbooks on call
    owner: secops
    expires: 2026-06-30
`,
);

describe('suppressions', () => {
  it('match on detector and actor while the entry has not expired', () => {
    expect(findSuppression(entries, sampleFinding())).toEqual({
      reason: 'Data migration CHG-1',
      owner: 'secops',
      expires: '2026-01-31',
    });
  });

  it('stop applying to windows after the expiry day', () => {
    expect(findSuppression(entries, sampleFinding({ window_start: '2026-02-01T00:00:00.000Z' }))).toBeNull();
  });

  it('leave other detectors and actors alone', () => {
    expect(findSuppression(entries, sampleFinding({ detector_id: 'off-hours-export' }))).toBeNull();
    expect(findSuppression(entries, sampleFinding({ actor_id: 'emp-0043' }))).toBeNull();
  });

  it('match evidence values when the entry names them', () => {
    const printed = sampleFinding({ actor_id: 'emp-oncall', evidence: { largest_destination: 'printer' } });
    const uploaded = sampleFinding({ actor_id: 'emp-oncall', evidence: { largest_destination: 'usb' } });
    expect(findSuppression(entries, printed)?.reason).toBe('Prints runbooks on call');
    expect(findSuppression(entries, uploaded)).toBeNull();
  });

  it('list the entries that have expired', () => {
    expect(expiredSuppressions(entries, '2026-03-01').map((entry) => entry.actor)).toEqual(['emp-0042']);
  });

  it.each([
    [
      'an entry without reason',
      '- { actor: a, owner: o, expires: 2026-01-01 }',
      'entry 1: reason: is required (string)',
    ],
    [
      'an entry without an expiry',
      '- { actor: a, reason: r, owner: o }',
      'entry 1: expires: is required (string or date)',
    ],
    [
      'an entry for nobody',
      '- { reason: r, owner: o, expires: 2026-01-01 }',
      'entry 1: needs a detector, an actor, or both',
    ],
    [
      'a bad expiry',
      '- { actor: a, reason: r, owner: o, expires: soon }',
      'entry 1: expires: expected a date like 2026-12-31',
    ],
    [
      'an unknown field',
      '- { actor: a, reason: r, owner: o, expires: 2026-01-01, forever: true }',
      'entry 1: unknown field(s) forever',
    ],
  ])('reject %s naming the file, entry and field', (_case, yaml, message) => {
    expect(() => parseSuppressions(FILE, `suppressions:\n  ${yaml}\n`)).toThrow(`${FILE}: ${message}`);
  });

  it('are applied by the runner: recorded, marked and counted, not dropped', async () => {
    const detector = parseDetector(
      'queries/detectors/record-access-spike.sql',
      detectorText({ id: 'record-access-spike', schedule: 'rate(1 day)', window: '1d' }),
    );
    const engine = new FakeEngine(() => [
      { actor_id: 'emp-0042', summary: 'x' },
      { actor_id: 'emp-0043', summary: 'y' },
    ]);
    const state = new MemoryStateStore();
    const sink = new CaptureSink();
    const report = await runDetectors(
      {
        detectors: [detector],
        mode: {
          kind: 'backfill',
          from: new Date('2026-01-10T00:00:00Z'),
          to: new Date('2026-01-11T00:00:00Z'),
        },
      },
      {
        engine,
        watermarks: state,
        dedup: state,
        sinks: [sink],
        suppressions: entries,
        clock: () => new Date('2026-01-11T01:00:00Z'),
      },
    );
    expect(sink.published.map((f) => [f.actor_id, f.suppression?.reason ?? null])).toEqual([
      ['emp-0042', 'Data migration CHG-1'],
      ['emp-0043', null],
    ]);
    expect(report.detectors[0]).toMatchObject({ published: 2, suppressed: 1 });
  });
});
