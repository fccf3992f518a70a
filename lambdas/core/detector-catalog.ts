/**
 * Reads every `*.sql` file of a detectors folder. A bad file is reported, never fatal for the
 * others: the catalog holds the detectors that parsed and one error per file that did not.
 */
import { type Detector, parseDetector } from './detector.ts';
import { AuditlakeError, type DetectorError } from './errors.ts';
import { readSqlFolder } from './sql-file.ts';

export interface DetectorCatalog {
  readonly detectors: readonly Detector[];
  readonly errors: readonly DetectorError[];
}

export async function loadDetectorCatalog(dir: string): Promise<DetectorCatalog> {
  const { items, errors } = await readSqlFolder(dir, parseDetector, 'detectors');
  return { detectors: items, errors };
}

/** Picks detectors by id; unknown ids are an error that lists the known ones. */
export function selectDetectors(all: readonly Detector[], ids: readonly string[]): Detector[] {
  if (ids.length === 0) return [...all];
  const unknown = ids.filter((id) => !all.some((detector) => detector.id === id));
  if (unknown.length > 0) {
    const known = all.map((detector) => detector.id).join(', ') || 'none';
    throw new AuditlakeError(`no detector ${unknown.join(', ')} (known: ${known})`);
  }
  return all.filter((detector) => ids.includes(detector.id));
}
