import { readFile } from 'node:fs/promises';
import { ConfigError } from '../core/errors.ts';
import { parseSuppressions, type SuppressionEntry } from '../core/suppressions.ts';

/** Reads a suppressions file; a missing file means no suppressions. */
export async function readSuppressionsFile(file: string): Promise<SuppressionEntry[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new ConfigError(`${file}: cannot read the suppressions file`);
  }
  return parseSuppressions(file, text);
}
