import { readOptionalFile } from '../core/config-file.ts';
import { parseSuppressions, type SuppressionEntry } from '../core/suppressions.ts';

/** Reads a suppressions file; a missing file means no suppressions. */
export async function readSuppressionsFile(file: string): Promise<SuppressionEntry[]> {
  const text = await readOptionalFile(file, 'suppressions file');
  return text === undefined ? [] : parseSuppressions(file, text);
}
