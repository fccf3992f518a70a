import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { ConfigError } from '../core/errors.ts';
import { compileRedaction, DEFAULT_REDACTION, parseRedaction, type Redaction } from '../core/redaction.ts';

/** The shipped redaction list, bundled beside the detectors like suppressions.yaml. */
export const DEFAULT_REDACTION_FILE = fileURLToPath(new URL('../../queries/redaction.yaml', import.meta.url));

/** Reads a redaction file; a missing file means the built-in defaults, so a lost file fails closed. */
export async function readRedactionFile(file: string): Promise<Redaction> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return DEFAULT_REDACTION;
    throw new ConfigError(`${file}: cannot read the redaction file`);
  }
  return compileRedaction(parseRedaction(file, text));
}
