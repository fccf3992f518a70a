/**
 * Reads every `*.sql` file of a detectors folder. A bad file is reported, never fatal for the
 * others: the catalog holds the detectors that parsed and one error per file that did not.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type Detector, parseDetector } from './detector.ts';
import { AuditlakeError, DetectorError } from './errors.ts';

export interface DetectorCatalog {
  readonly detectors: readonly Detector[];
  readonly errors: readonly DetectorError[];
}

export async function loadDetectorCatalog(dir: string): Promise<DetectorCatalog> {
  let names: string[];
  try {
    names = (await readdir(dir)).filter((name) => name.endsWith('.sql')).sort();
  } catch {
    throw new AuditlakeError(`${dir}: cannot read the detectors folder`);
  }
  const detectors: Detector[] = [];
  const errors: DetectorError[] = [];
  for (const name of names) {
    const file = join(dir, name);
    try {
      detectors.push(parseDetector(file, await readFile(file, 'utf8')));
    } catch (error) {
      if (!(error instanceof DetectorError)) throw error;
      errors.push(error);
    }
  }
  return { detectors, errors };
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
