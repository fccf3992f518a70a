/**
 * Small lakes for detector specifications: an employee directory and a handful of events,
 * written through the real ingest path, and a helper that runs one shipped detector over a
 * range on the DuckDB engine and returns its findings.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadDetectorCatalog, selectDetectors } from '../../lambdas/core/detector-catalog.ts';
import type { ParamOverrides } from '../../lambdas/core/detector-params.ts';
import type { Finding } from '../../lambdas/core/finding.ts';
import { runDetectors } from '../../lambdas/core/runner.ts';
import { openDuckDbEngine } from '../../lambdas/engines/duckdb-engine.ts';
import { localRollups } from '../../lambdas/engines/duckdb-rollup-store.ts';
import { ingestFiles } from '../../lambdas/ingest/ingest.ts';
import { MemoryStateStore } from '../../lambdas/stores/memory-state-store.ts';
import { CaptureSink } from './fake-engine.ts';

export const DETECTORS_DIR = fileURLToPath(new URL('../../queries/detectors', import.meta.url));
export const ROLLUPS_DIR = fileURLToPath(new URL('../../queries/rollups', import.meta.url));

export interface EmployeeRow {
  readonly employee_id: string;
  readonly department?: string;
  readonly title?: string;
  readonly timezone?: string;
  readonly work_start_hour?: number;
  readonly work_end_hour?: number;
  readonly work_days?: string;
  readonly employment_status?: string;
  readonly termination_date?: string | null;
}

export interface EventInput {
  readonly actor_id: string;
  readonly event_time: string;
  readonly action: string;
  readonly resource_type?: string;
  readonly resource_id?: string | null;
  readonly record_count?: number;
  readonly bytes?: number | null;
  readonly actor_type?: string;
  readonly source_system?: string;
  readonly destination?: string | null;
  readonly outcome?: string;
  readonly justification_id?: string | null;
}

export function employee(row: EmployeeRow): Record<string, unknown> {
  return {
    email: `${row.employee_id}@corp.example`,
    display_name: row.employee_id,
    department: 'Support',
    title: 'Support Agent',
    manager_id: null,
    location: 'Berlin',
    timezone: 'Europe/Berlin',
    work_start_hour: 9,
    work_end_hour: 17,
    work_days: '1,2,3,4,5',
    employment_status: 'active',
    hire_date: '2024-01-15',
    termination_date: null,
    is_privileged: false,
    ...row,
  };
}

let sequence = 0;

export function event(input: EventInput): Record<string, unknown> {
  sequence++;
  return {
    event_id: `fx-${sequence}`,
    actor_type: 'human',
    resource_type: 'customer_record',
    resource_id: null,
    record_count: 1,
    source_system: 'support-db',
    outcome: 'success',
    ...input,
  };
}

export class FixtureLake {
  private constructor(readonly dir: string) {}

  static async create(
    employees: readonly EmployeeRow[],
    events: readonly Record<string, unknown>[],
  ): Promise<FixtureLake> {
    const dir = await mkdtemp(join(tmpdir(), 'auditlake-fixture-'));
    await mkdir(join(dir, 'employees'), { recursive: true });
    const jsonl = (rows: readonly Record<string, unknown>[]) =>
      rows.map((row) => `${JSON.stringify(row)}\n`).join('');
    await writeFile(join(dir, 'employees', 'employees.jsonl'), jsonl(employees.map(employee)));
    const input = join(dir, 'input.jsonl');
    await writeFile(input, jsonl(events));
    const report = await ingestFiles({ files: [input], lakeDir: dir, now: new Date('2030-01-01T00:00:00Z') });
    if (report.quarantined > 0)
      throw new Error(`fixture events quarantined: ${JSON.stringify(report.reasons)}`);
    return new FixtureLake(dir);
  }

  /** Runs one shipped detector over every window inside [from, to) and returns its findings. */
  async run(
    detectorId: string,
    from: string,
    to: string,
    overrides: ParamOverrides = {},
  ): Promise<Finding[]> {
    const { detectors } = await loadDetectorCatalog(DETECTORS_DIR);
    const engine = await openDuckDbEngine({ lakeDir: this.dir, threads: 1 });
    const sink = new CaptureSink();
    const state = new MemoryStateStore();
    try {
      const report = await runDetectors(
        {
          detectors: selectDetectors(detectors, [detectorId]),
          mode: { kind: 'backfill', from: new Date(from), to: new Date(to) },
          overrides,
        },
        {
          engine,
          watermarks: state,
          dedup: state,
          sinks: [sink],
          rollups: await localRollups(engine, this.dir, ROLLUPS_DIR),
          clock: () => new Date(to),
        },
      );
      const failure = report.detectors.find((d) => d.error);
      if (failure) throw new Error(failure.error);
    } finally {
      await engine.close();
    }
    return sink.published;
  }

  async remove(): Promise<void> {
    await rm(this.dir, { recursive: true, force: true });
  }
}

/** ISO time `days` days after `start` at `time` (UTC). */
export function dayAt(start: string, days: number, time: string): string {
  const date = new Date(`${start}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + days);
  return `${date.toISOString().slice(0, 10)}T${time}Z`;
}
