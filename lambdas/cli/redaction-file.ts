import { fileURLToPath } from 'node:url';
import { readOptionalFile } from '../core/config-file.ts';
import { compileRedaction, DEFAULT_REDACTION, parseRedaction, type Redaction } from '../core/redaction.ts';

/** The shipped redaction list, bundled beside the detectors like suppressions.yaml. */
export const DEFAULT_REDACTION_FILE = fileURLToPath(new URL('../../queries/redaction.yaml', import.meta.url));

/** Reads a redaction file; a missing file means the built-in defaults, so a lost file fails closed. */
export async function readRedactionFile(file: string): Promise<Redaction> {
  const text = await readOptionalFile(file, 'redaction file');
  return text === undefined ? DEFAULT_REDACTION : compileRedaction(parseRedaction(file, text));
}
