import { describe, expect, it } from 'vitest';
import { parseDetector } from '../../lambdas/core/detector.ts';
import type { QueryRequest, SqlRow } from '../../lambdas/core/ports.ts';
import { type RunMode, runDetectors } from '../../lambdas/core/runner.ts';
import { MemoryStateStore } from '../../lambdas/stores/memory-state-store.ts';
import { detectorText } from '../support/detector-text.ts';
import { CaptureSink, FakeEngine, windowStartOf } from '../support/fake-engine.ts';

const HOUR = 3_600_000;
const SQL = `SELECT actor_id, 'x' AS summary FROM audit_events
WHERE dt BETWEEN :window_start_dt AND :window_end_dt AND event_time >= :window_start AND event_time < :window_end`;

function detector(id: string, header: Record<string, unknown> = {}) {
  return parseDetector(`queries/detectors/${id}.sql`, detectorText({ id, ...header }, SQL));
}

const incremental: RunMode = { kind: 'incremental', lateDelayMs: 0, initialBackfillMs: 3 * HOUR };

function setup(answer: (request: QueryRequest) => SqlRow[] | Error, now = '2026-01-01T12:00:00Z') {
  const engine = new FakeEngine(answer);
  const state = new MemoryStateStore();
  const sink = new CaptureSink();
  let clock = new Date(now);
  const deps = { engine, watermarks: state, dedup: state, sinks: [sink], clock: () => clock };
  return { engine, state, sink, deps, setNow: (iso: string) => (clock = new Date(iso)) };
}

/** An actor flagged in every window: a new actor id per window start. */
const everyWindow = (request: QueryRequest): SqlRow[] => [
  { actor_id: `emp-${windowStartOf(request).slice(11, 13)}`, summary: 'did something', score: 5 },
];

describe('runDetectors', () => {
  it('runs every due window oldest first, renders the window into the SQL and advances the watermark', async () => {
    const { engine, state, sink, deps } = setup(everyWindow);
    const report = await runDetectors({ detectors: [detector('a')], mode: incremental }, deps);
    expect(engine.requests.map(windowStartOf)).toEqual([
      '2026-01-01 09:00:00.000',
      '2026-01-01 10:00:00.000',
      '2026-01-01 11:00:00.000',
    ]);
    expect(engine.requests[0]?.sql).toContain("dt BETWEEN '2026-01-01' AND '2026-01-01'");
    expect(sink.published.map((f) => f.actor_id)).toEqual(['emp-09', 'emp-10', 'emp-11']);
    expect((await state.get('a'))?.toISOString()).toBe('2026-01-01T12:00:00.000Z');
    expect(report.detectors[0]).toMatchObject({ windows: 3, published: 3, pendingWindows: 0 });
  });

  it('continues where the previous run stopped, skipping and repeating nothing', async () => {
    const { engine, deps, setNow } = setup(everyWindow);
    await runDetectors({ detectors: [detector('a')], mode: incremental }, deps);
    setNow('2026-01-01T14:30:00Z');
    await runDetectors({ detectors: [detector('a')], mode: incremental }, deps);
    expect(engine.requests.map((r) => windowStartOf(r).slice(11, 13))).toEqual([
      '09',
      '10',
      '11',
      '12',
      '13',
    ]);
  });

  it('waits for the late-data delay before running a window', async () => {
    const { engine, deps } = setup(everyWindow, '2026-01-01T12:10:00Z');
    await runDetectors(
      { detectors: [detector('a')], mode: { ...incremental, lateDelayMs: 15 * 60_000 } },
      deps,
    );
    expect(engine.requests.map((r) => windowStartOf(r).slice(11, 13))).toEqual(['08', '09', '10']);
  });

  it('runs at most maxWindows and reports the rest as pending', async () => {
    const { deps, state } = setup(everyWindow);
    const report = await runDetectors(
      { detectors: [detector('a')], mode: { ...incremental, maxWindows: 2 } },
      deps,
    );
    expect(report.detectors[0]).toMatchObject({ windows: 2, pendingWindows: 1 });
    expect((await state.get('a'))?.toISOString()).toBe('2026-01-01T11:00:00.000Z');
  });

  it('keeps the watermark before a window whose findings could not be published, and republishes the same finding next run', async () => {
    const { sink, state, deps } = setup(() => [{ actor_id: 'emp-1', summary: 'x' }]);
    sink.failNext = 1;
    const first = await runDetectors(
      { detectors: [detector('a', { dedup: '1d' })], mode: incremental },
      deps,
    );
    expect(first.detectors[0]?.error).toBe('sink unavailable');
    expect(await state.get('a')).toBeUndefined();
    await runDetectors({ detectors: [detector('a', { dedup: '1d' })], mode: incremental }, deps);
    // The first window's finding is published on the retry; the later windows are deduplicated.
    expect(sink.published).toHaveLength(1);
    expect(sink.published[0]?.window_start).toBe('2026-01-01T09:00:00.000Z');
  });

  it('suppresses the same actor within the dedup period and flags them again after it', async () => {
    const { sink, deps } = setup(() => [{ actor_id: 'emp-1', summary: 'x' }], '2026-01-01T06:00:00Z');
    const d = detector('a', { dedup: '2h' });
    const report = await runDetectors(
      { detectors: [d], mode: { ...incremental, initialBackfillMs: 6 * HOUR } },
      deps,
    );
    expect(sink.published.map((f) => f.window_start.slice(11, 13))).toEqual(['00', '02', '04']);
    expect(report.detectors[0]?.duplicates).toBe(3);
  });

  it('drops rows scored below the threshold and counts them', async () => {
    const { sink, deps } = setup(() => [
      { actor_id: 'low', summary: 'x', score: 1 },
      { actor_id: 'high', summary: 'x', score: 9 },
      { actor_id: 'unscored', summary: 'x', score: null },
    ]);
    const report = await runDetectors(
      { detectors: [detector('a', { threshold: 5 })], mode: incremental },
      deps,
    );
    expect(new Set(sink.published.map((f) => f.actor_id))).toEqual(new Set(['high']));
    expect(report.detectors[0]?.belowThreshold).toBe(6);
  });

  it('keeps running the other detectors when one fails', async () => {
    const { sink, deps } = setup((request) =>
      request.label.startsWith('broken')
        ? new Error('Binder Error: no column x')
        : [{ actor_id: 'emp-1', summary: 'x' }],
    );
    const report = await runDetectors(
      { detectors: [detector('broken'), detector('fine')], mode: incremental },
      deps,
    );
    expect(report.failed).toBe(1);
    expect(report.detectors[0]?.error).toBe('Binder Error: no column x');
    expect(report.detectors[0]?.pendingWindows).toBe(3);
    expect(report.detectors[1]?.windows).toBe(3);
    expect(sink.published.every((f) => f.detector_id === 'fine')).toBe(true);
  });

  it('names the detector when its result has no actor_id column', async () => {
    const { deps } = setup(() => [{ who: 'emp-1', summary: 'x' } as SqlRow]);
    const engine = deps.engine;
    engine.query = async () => ({
      columns: [
        { name: 'who', type: 'varchar' },
        { name: 'summary', type: 'varchar' },
      ],
      rows: [],
      stats: { engineMillis: 0 },
    });
    const report = await runDetectors({ detectors: [detector('a')], mode: incremental }, deps);
    expect(report.detectors[0]?.error).toBe(
      "a: the query's result has no actor_id column; every detector must return actor_id and summary",
    );
  });

  it('rejects two rows for one actor in a window', async () => {
    const { deps } = setup(() => [
      { actor_id: 'emp-1', summary: 'x' },
      { actor_id: 'emp-1', summary: 'y' },
    ]);
    const report = await runDetectors({ detectors: [detector('a')], mode: incremental }, deps);
    expect(report.detectors[0]?.error).toMatch(/more than one row for actor emp-1 in one window/);
  });

  it('backfills a range without touching the watermark', async () => {
    const { engine, state, deps } = setup(everyWindow);
    const mode: RunMode = {
      kind: 'backfill',
      from: new Date('2025-12-31T22:00:00Z'),
      to: new Date('2026-01-01T01:00:00Z'),
    };
    await runDetectors({ detectors: [detector('a')], mode }, deps);
    expect(engine.requests.map((r) => windowStartOf(r).slice(11, 13))).toEqual(['22', '23', '00']);
    expect(await state.get('a')).toBeUndefined();
  });

  it('leaves a detector alone when another run moved its watermark', async () => {
    const { state, sink, deps } = setup(everyWindow);
    const advance = state.advance.bind(state);
    state.advance = async (id, expected, next) => {
      await advance(id, expected, new Date(next.getTime() + HOUR)); // the other run
      await advance(id, expected, next);
    };
    const report = await runDetectors({ detectors: [detector('a')], mode: incremental }, deps);
    expect(report.detectors[0]?.skippedByConflict).toBe(true);
    expect(report.failed).toBe(0);
    expect(sink.published).toHaveLength(1);
  });

  it('gives a finding a stable id and the detector header fields', async () => {
    const { sink, deps } = setup(() => [
      { actor_id: 'emp-1', summary: 'read a lot', records: 5000, severity: 'critical' },
    ]);
    await runDetectors(
      { detectors: [detector('a', { tags: ['T1213'] })], mode: { ...incremental, initialBackfillMs: HOUR } },
      deps,
    );
    const [finding] = sink.published;
    expect(finding).toMatchObject({
      detector_id: 'a',
      title: 'Test detector',
      severity: 'critical',
      actor_id: 'emp-1',
      window_start: '2026-01-01T11:00:00.000Z',
      window_end: '2026-01-01T12:00:00.000Z',
      summary: 'read a lot',
      evidence: { records: 5000 },
      detected_at: '2026-01-01T12:00:00.000Z',
      runbook: 'Look at it.',
      tags: ['T1213'],
    });
    expect(finding?.finding_id).toMatch(/^[0-9a-f]{32}$/);
  });
});

describe('flood control', () => {
  it('publishes one summary finding and archives the full list when a window has too many', async () => {
    const many = Array.from({ length: 30 }, (_, i) => ({
      actor_id: `emp-${i}`,
      summary: 'x',
      severity: i === 7 ? 'critical' : 'high',
    }));
    const { sink, deps } = setup(() => many);
    const archived: { detectorId: string; count: number }[] = [];
    const archive = {
      async write(detectorId: string, _window: unknown, findings: readonly unknown[]) {
        archived.push({ detectorId, count: findings.length });
        return 's3://findings/overflow/a.jsonl';
      },
    };
    const report = await runDetectors(
      { detectors: [detector('a')], mode: { ...incremental, initialBackfillMs: HOUR } },
      { ...deps, floodControl: { maxFindingsPerWindow: 25, archive } },
    );
    expect(archived).toEqual([{ detectorId: 'a', count: 30 }]);
    expect(sink.published).toHaveLength(1);
    expect(sink.published[0]).toMatchObject({
      actor_id: '*',
      severity: 'critical',
      evidence: { finding_count: 30, full_list: 's3://findings/overflow/a.jsonl' },
    });
    expect(sink.published[0]?.summary).toContain('30 findings in one window');
    expect(report.detectors[0]).toMatchObject({ published: 1, archived: 30 });
  });

  it('publishes findings one by one up to the limit', async () => {
    const { sink, deps } = setup(() => [
      { actor_id: 'emp-1', summary: 'x' },
      { actor_id: 'emp-2', summary: 'x' },
    ]);
    const archive = { write: async () => 'unused' };
    await runDetectors(
      { detectors: [detector('a')], mode: { ...incremental, initialBackfillMs: HOUR } },
      { ...deps, floodControl: { maxFindingsPerWindow: 2, archive } },
    );
    expect(sink.published.map((f) => f.actor_id)).toEqual(['emp-1', 'emp-2']);
  });
});
