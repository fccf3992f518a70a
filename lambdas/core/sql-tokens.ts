/**
 * A small lexer for Trino SQL that knows where string literals, quoted identifiers and comments
 * are. Parameter rendering and the engine dialect shims work on its tokens so they never touch
 * text inside a string or a comment.
 */
export type SqlTokenKind =
  | 'string' // '...'
  | 'quoted-identifier' // "..."
  | 'line-comment' // -- ...
  | 'block-comment' // /* ... */
  | 'parameter' // :name
  | 'word' // identifiers and keywords
  | 'number'
  | 'whitespace'
  | 'symbol';

export interface SqlToken {
  readonly kind: SqlTokenKind;
  readonly text: string;
  /** Offset of the first character in the source. */
  readonly offset: number;
  /** 1-based line of the first character. */
  readonly line: number;
}

export class SqlLexError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(message);
  }
}

const WORD_START = /[A-Za-z_]/;
const WORD_PART = /[A-Za-z0-9_]/;
const DIGIT = /[0-9]/;

export function tokenizeSql(sql: string): SqlToken[] {
  const tokens: SqlToken[] = [];
  let i = 0;
  let line = 1;
  const push = (kind: SqlTokenKind, end: number) => {
    const text = sql.slice(i, end);
    tokens.push({ kind, text, offset: i, line });
    for (const ch of text) if (ch === '\n') line++;
    i = end;
  };
  while (i < sql.length) {
    const ch = sql.charAt(i);
    const next = sql.charAt(i + 1);
    if (ch === "'" || ch === '"') {
      const end = scanQuoted(sql, i, ch);
      if (end < 0)
        throw new SqlLexError(`unterminated ${ch === "'" ? 'string literal' : 'quoted identifier'}`, line);
      push(ch === "'" ? 'string' : 'quoted-identifier', end);
    } else if (ch === '-' && next === '-') {
      const newline = sql.indexOf('\n', i);
      push('line-comment', newline < 0 ? sql.length : newline);
    } else if (ch === '/' && next === '*') {
      const close = sql.indexOf('*/', i + 2);
      if (close < 0) throw new SqlLexError('unterminated block comment', line);
      push('block-comment', close + 2);
    } else if (ch === ':' && WORD_START.test(next) && sql.charAt(i - 1) !== ':') {
      push('parameter', scanWhile(sql, i + 1, WORD_PART));
    } else if (WORD_START.test(ch)) {
      push('word', scanWhile(sql, i, WORD_PART));
    } else if (DIGIT.test(ch) || (ch === '.' && DIGIT.test(next))) {
      push('number', scanNumber(sql, i));
    } else if (/\s/.test(ch)) {
      push('whitespace', scanWhile(sql, i, /\s/));
    } else {
      push('symbol', i + 1);
    }
  }
  return tokens;
}

/** Index just past the closing quote; a doubled quote is an escaped quote. -1 if unterminated. */
function scanQuoted(sql: string, start: number, quote: string): number {
  let i = start + 1;
  while (i < sql.length) {
    if (sql.charAt(i) === quote) {
      if (sql.charAt(i + 1) === quote) i += 2;
      else return i + 1;
    } else i++;
  }
  return -1;
}

function scanWhile(sql: string, start: number, pattern: RegExp): number {
  let i = start;
  while (i < sql.length && pattern.test(sql.charAt(i))) i++;
  return i;
}

function scanNumber(sql: string, start: number): number {
  const match = /^(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?/.exec(sql.slice(start));
  return start + (match ? match[0].length : 1);
}

/** True for tokens that carry no meaning for the query: whitespace and comments. */
export function isTrivia(token: SqlToken): boolean {
  return token.kind === 'whitespace' || token.kind === 'line-comment' || token.kind === 'block-comment';
}
