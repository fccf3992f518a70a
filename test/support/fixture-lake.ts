/**
 * Small lakes for tests, over the library `auditlake test` uses (lambdas/fixtures/fixture-lake.ts):
 * the shipped folders, and a lake that runs a shipped detector by id. Detector behaviour is
 * specified by YAML cases in queries/tests/; this is for tests of other parts (the CLI, AWS).
 */
import { fileURLToPath } from 'node:url';
import { loadDetectorCatalog, selectDetectors } from '../../lambdas/core/detector-catalog.ts';
import type { ParamOverrides } from '../../lambdas/core/detector-params.ts';
import type { Finding } from '../../lambdas/core/finding.ts';
import { type EmployeeRow, FixtureLake as LibraryFixtureLake } from '../../lambdas/fixtures/fixture-lake.ts';

export {
  type EmployeeRow,
  type EventInput,
  employee,
  event,
} from '../../lambdas/fixtures/fixture-lake.ts';

export const DETECTORS_DIR = fileURLToPath(new URL('../../queries/detectors', import.meta.url));
export const ROLLUPS_DIR = fileURLToPath(new URL('../../queries/rollups', import.meta.url));
export const CASES_DIR = fileURLToPath(new URL('../../queries/tests', import.meta.url));

export class FixtureLake {
  private constructor(private readonly lake: LibraryFixtureLake) {}

  get dir(): string {
    return this.lake.dir;
  }

  static async create(
    employees: readonly EmployeeRow[],
    events: readonly Record<string, unknown>[],
  ): Promise<FixtureLake> {
    return new FixtureLake(await LibraryFixtureLake.create(employees, events));
  }

  /** Runs one shipped detector over every window inside [from, to) and returns its findings. */
  async run(
    detectorId: string,
    from: string,
    to: string,
    overrides: ParamOverrides = {},
  ): Promise<Finding[]> {
    const { detectors } = await loadDetectorCatalog(DETECTORS_DIR);
    const [detector] = selectDetectors(detectors, [detectorId]);
    if (!detector) throw new Error(`no detector ${detectorId}`);
    const range = { from: new Date(from), to: new Date(to) };
    const { findings } = await this.lake.backfill(detector, range, { overrides, rollupsDir: ROLLUPS_DIR });
    return [...findings];
  }

  remove(): Promise<void> {
    return this.lake.remove();
  }
}

/** ISO time `days` days after `start` at `time` (UTC). */
export function dayAt(start: string, days: number, time: string): string {
  const date = new Date(`${start}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + days);
  return `${date.toISOString().slice(0, 10)}T${time}Z`;
}
