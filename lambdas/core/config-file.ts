/**
 * The YAML files beside the detectors (suppressions.yaml, redaction.yaml): read the same way
 * everywhere (CLI, Lambda bundle, synth), and every failure is one line naming the file.
 */
import { readFile } from 'node:fs/promises';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import { ConfigError } from './errors.ts';

/** ` at line N` for a YAML syntax error that knows its line, else nothing. */
export function yamlErrorLine(error: unknown): string {
  return error instanceof YAMLParseError && error.linePos ? ` at line ${error.linePos[0].line}` : '';
}

/** The YAML document in `text`; a syntax error becomes `<file>: not valid YAML at line N`. */
export function parseYamlFile(file: string, text: string): unknown {
  try {
    return parseYaml(text);
  } catch (error) {
    throw new ConfigError(`${file}: not valid YAML${yamlErrorLine(error)}`);
  }
}

/** The file's text; undefined when there is no such file; a one-line error when it cannot be read. */
export async function readOptionalFile(file: string, what: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new ConfigError(`${file}: cannot read the ${what}`);
  }
}
