import { BackQuotedIdentifierContext } from 'dt-sql-parser/dist/lib/trino/TrinoSqlParser.js';
import { type SyntaxProblem, snippet } from '../detector-sql.ts';
import type { LintRule } from '../lint-rule.ts';
import { identifierName } from '../parse-tree.ts';

/** DuckDB and PostgreSQL habits that Trino rejects, recognised by the text around where parsing failed. */
const HINTS: readonly (readonly [(error: SyntaxProblem) => boolean, string])[] = [
  [
    ({ before, near }) => near.startsWith('::') || (before.endsWith(':') && near.startsWith(':')),
    '`::` casts are DuckDB/PostgreSQL syntax, not Trino; write CAST(x AS type)',
  ],
  [({ near }) => /^ilike\b/i.test(near), "ILIKE is not Trino; write lower(x) LIKE lower('pattern')"],
  [({ before, near }) => near.startsWith('=') && before.endsWith('='), '`==` is not Trino; write ='],
  [
    ({ near }) => /^qualify\b/i.test(near),
    'QUALIFY is not Trino; compute the window function in a subquery and filter it in the outer WHERE',
  ],
  [({ near }) => near.startsWith('['), '[...] list literals are DuckDB syntax, not Trino; write ARRAY[...]'],
];

/** The SQL parses with the Trino grammar Athena uses; only the first error is reported, the rest often follow from it. */
export const trinoSyntax: LintRule = {
  id: 'trino-syntax',
  severity: 'error',
  check: (sql) => {
    const first = sql.syntaxErrors[0];
    const backquoted = sql.nodes(BackQuotedIdentifierContext).map((identifier) => ({
      line: sql.lineOf(identifier),
      message: `${identifier.getText()} is backquoted, which Trino rejects; write "${identifierName(identifier)}" (double quotes) or the bare name`,
    }));
    return first ? [{ line: first.line, message: describeSyntaxError(first) }, ...backquoted] : backquoted;
  },
};

function describeSyntaxError(error: SyntaxProblem): string {
  const hint = HINTS.find(([matches]) => matches(error));
  if (hint) return hint[1];
  return `not valid Trino SQL at "${snippet(error.near)}": ${error.message}; Athena would reject the query, so write it in Trino syntax (see docs/detectors.md)`;
}

/** The message for SQL the lexer cannot even split into tokens. */
export function describeLexError(message: string): string {
  return `${message}; close it, or Athena and DuckDB cannot read the query`;
}
