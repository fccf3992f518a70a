/**
 * The file format detectors and rollups share: a YAML header in a leading `/* ... *\/` comment,
 * then one SQL statement. The header is validated with a zod schema; every error is one line
 * naming the file and field. The `id` must equal the file's base name.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import { yamlErrorLine } from './config-file.ts';
import { AuditlakeError, DetectorError } from './errors.ts';
import { hasSqlBody } from './sql-params.ts';
import { SqlLexError } from './sql-tokens.ts';

export interface SqlFile<Header> {
  readonly header: Header;
  /** The SQL after the header, as written. */
  readonly sql: string;
  /** 1-based line of the file where `sql` begins. */
  readonly sqlLine: number;
}

export function readSqlFile<Schema extends z.ZodType<{ id: string }>>(
  file: string,
  text: string,
  schema: Schema,
): SqlFile<z.output<Schema>> {
  const { yamlText, sql, sqlLine } = splitHeader(file, text);
  let raw: unknown;
  try {
    raw = parseYaml(yamlText);
  } catch (error) {
    throw new DetectorError(file, 'header', `is not valid YAML${yamlErrorLine(error)}`);
  }
  const parsed = schema.safeParse(raw ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new DetectorError(file, issue?.path.join('.') || 'header', describeZodIssue(issue));
  }
  const expectedId = baseName(file);
  if (parsed.data.id !== expectedId) {
    throw new DetectorError(file, 'id', `"${parsed.data.id}" must equal the file name "${expectedId}"`);
  }
  let hasBody: boolean;
  try {
    hasBody = hasSqlBody(sql);
  } catch (error) {
    if (!(error instanceof SqlLexError)) throw error;
    throw new DetectorError(file, 'sql', `${error.message} at line ${sqlLine + error.line - 1}`);
  }
  if (!hasBody) throw new DetectorError(file, 'sql', 'no SELECT after the header');
  return { header: parsed.data, sql, sqlLine };
}

export interface SqlFolder<T> {
  readonly items: readonly T[];
  /** One per file that did not parse: a bad file is reported, never fatal for the others. */
  readonly errors: readonly DetectorError[];
}

/**
 * Parses every `*.sql` file of a folder, in name order. A folder that cannot be read is an error
 * naming it as the `required` kind of folder (`detectors`), or an empty result when not required.
 */
export async function readSqlFolder<T>(
  dir: string,
  parse: (file: string, text: string) => T,
  required?: string,
): Promise<SqlFolder<T>> {
  let names: string[];
  try {
    names = (await readdir(dir)).filter((name) => name.endsWith('.sql')).sort();
  } catch {
    if (required === undefined) return { items: [], errors: [] };
    throw new AuditlakeError(`${dir}: cannot read the ${required} folder`);
  }
  const items: T[] = [];
  const errors: DetectorError[] = [];
  for (const name of names) {
    const file = join(dir, name);
    try {
      items.push(parse(file, await readFile(file, 'utf8')));
    } catch (error) {
      if (!(error instanceof DetectorError)) throw error;
      errors.push(error);
    }
  }
  return { items, errors };
}

function splitHeader(file: string, text: string): { yamlText: string; sql: string; sqlLine: number } {
  const body = text.replace(/^\uFEFF/, '');
  const leading = /^\s*/.exec(body)?.[0] ?? '';
  if (!body.startsWith('/*', leading.length)) {
    throw new DetectorError(
      file,
      'header',
      'missing: the file must start with a /* ... */ comment holding the YAML header',
    );
  }
  const close = body.indexOf('*/', leading.length + 2);
  if (close < 0) throw new DetectorError(file, 'header', 'the /* header comment is never closed with */');
  const yamlText = body.slice(leading.length + 2, close);
  const sqlStart = close + 2;
  const sqlLine = body.slice(0, sqlStart).split('\n').length;
  return { yamlText, sql: body.slice(sqlStart), sqlLine };
}

function baseName(file: string): string {
  const name = file.split(/[\\/]/).pop() ?? file;
  return name.replace(/\.sql$/, '');
}

/**
 * One readable phrase for a zod issue: "is required (string)" for a missing value, "expected
 * string, got number" for a value of the wrong type, "unknown field(s) x", or zod's message.
 */
export function describeZodIssue(issue: z.core.$ZodIssue | undefined): string {
  if (!issue) return 'is invalid';
  if (issue.code === 'unrecognized_keys') return `unknown field(s) ${issue.keys.join(', ')}`;
  const wrongType = typeMismatch(issue);
  if (wrongType) {
    const expected = wrongType.expected.join(' or ');
    if (wrongType.received === 'undefined') return `is required (${expected})`;
    // A custom message (e.g. what a parameter may hold) says more than the list of types.
    if (issue.code === 'invalid_type' || issue.message === 'Invalid input')
      return `expected ${expected}, got ${wrongType.received}`;
  }
  return issue.message;
}

/**
 * The types expected and the type received, for a value of the wrong type or one missing (also
 * under a union of types, such as a date given as text or as a YAML date). Zod issues do not carry
 * the input unless asked to, so the received type is read from zod's own message.
 */
function typeMismatch(
  issue: z.core.$ZodIssue,
): { readonly expected: string[]; readonly received: string } | undefined {
  const received = (message: string) => / received (\w+)$/.exec(message)?.[1];
  if (issue.code === 'invalid_type') {
    const got = received(issue.message);
    return got === undefined ? undefined : { expected: [issue.expected], received: got };
  }
  if (issue.code !== 'invalid_union') return undefined;
  const branches = issue.errors.map((errors) => (errors.length === 1 ? errors[0] : undefined));
  const expected: string[] = [];
  let got: string | undefined;
  for (const branch of branches) {
    if (branch?.code !== 'invalid_type' || branch.path.length > 0) return undefined;
    expected.push(branch.expected);
    got = received(branch.message);
  }
  return got === undefined ? undefined : { expected: [...new Set(expected)], received: got };
}
