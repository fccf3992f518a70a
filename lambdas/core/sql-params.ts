/**
 * Renders `:name` parameters in detector SQL as typed SQL literals. Values come from the
 * detector header, configuration and the window being run, never from event data; even so every
 * value is rendered as a literal of its type and strings are quoted, so a hostile header value
 * cannot change the query's shape.
 */
import { isTrivia, tokenizeSql } from './sql-tokens.ts';

export type ParamValue = string | number | boolean | Date | readonly string[] | readonly number[];

export type ParamValues = Readonly<Record<string, ParamValue>>;

export class ParamError extends Error {
  constructor(
    readonly param: string,
    message: string,
    readonly line?: number,
  ) {
    super(message);
  }
}

export const PARAM_NAME = /^[a-z][a-z0-9_]*$/;

export interface RenderedSql {
  readonly sql: string;
  /** Parameter names the SQL referenced, in first-use order. */
  readonly used: readonly string[];
}

export function renderSql(sql: string, values: ParamValues): RenderedSql {
  const used: string[] = [];
  let out = '';
  for (const token of tokenizeSql(sql)) {
    if (token.kind !== 'parameter') {
      out += token.text;
      continue;
    }
    const name = token.text.slice(1);
    const value = values[name];
    if (value === undefined) {
      const known = Object.keys(values).sort().join(', ');
      throw new ParamError(name, `unknown parameter :${name} (known: ${known})`, token.line);
    }
    if (!used.includes(name)) used.push(name);
    out += renderLiteral(name, value);
  }
  return { sql: out, used };
}

/** Renders one value as a Trino literal that DuckDB reads with the same type and value. */
export function renderLiteral(name: string, value: ParamValue): string {
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (typeof value === 'number') return renderNumber(name, value);
  if (typeof value === 'string') return renderString(name, value);
  if (value instanceof Date) return `TIMESTAMP '${formatTimestamp(name, value)}'`;
  if (value.length === 0) throw new ParamError(name, `parameter :${name} is an empty list`);
  const items = (value as readonly (string | number)[]).map((item) =>
    typeof item === 'number' ? renderNumber(name, item) : renderString(name, item),
  );
  return `ARRAY[${items.join(', ')}]`;
}

function renderNumber(name: string, value: number): string {
  if (!Number.isFinite(value)) throw new ParamError(name, `parameter :${name} is not a finite number`);
  if (Number.isSafeInteger(value)) return String(value);
  if (Number.isInteger(value)) throw new ParamError(name, `parameter :${name} is too large for a bigint`);
  // An exponent makes it a DOUBLE on both engines; a bare 1.5 would be a DECIMAL.
  const text = String(value);
  return text.includes('e') ? text.toUpperCase() : `${text}E0`;
}

function renderString(name: string, value: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: rejecting control characters is the point.
  if (/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/.test(value)) {
    throw new ParamError(name, `parameter :${name} contains a control character`);
  }
  return `'${value.replaceAll("'", "''")}'`;
}

/** `2026-01-02 03:04:05.000`: the UTC wall-clock form both engines read as a TIMESTAMP. */
function formatTimestamp(name: string, value: Date): string {
  if (Number.isNaN(value.getTime())) throw new ParamError(name, `parameter :${name} is an invalid time`);
  return value.toISOString().replace('T', ' ').replace('Z', '');
}

/** True if the SQL text has at least one non-comment token (used to reject empty detector bodies). */
export function hasSqlBody(sql: string): boolean {
  return tokenizeSql(sql).some((token) => !isTrivia(token));
}
