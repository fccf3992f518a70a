/**
 * A detector's SQL prepared for the lint rules: tokenized as written, rendered with the header
 * defaults and a sample window (the Trino grammar does not accept `:name`), and parsed with
 * dt-sql-parser's Trino grammar. Rules read it and never parse again; positions in the rendered
 * text map back to the SQL as written, so messages quote the author's text and name file lines.
 */
import { type ParseError, TrinoSQL } from 'dt-sql-parser';
import type { ProgramContext } from 'dt-sql-parser/dist/lib/trino/TrinoSqlParser.js';
import type { Detector } from '../core/detector.ts';
import { paramsForWindow } from '../core/detector-params.ts';
import { ParamError, type ParamValues, renderLiteral } from '../core/sql-params.ts';
import { type SqlToken, tokenizeSql } from '../core/sql-tokens.ts';
import { BUILT_IN_PARAMS, type TimeWindow } from '../core/windows.ts';
import { allNodes, type NodeClass, type RuleNode } from './parse-tree.ts';

/** A `:name` that did not render: unknown, or a header value with no SQL literal. */
export interface ParamProblem {
  readonly param: string;
  readonly kind: 'unknown' | 'bad-value';
  readonly line: number;
  readonly message: string;
}

export interface SyntaxProblem {
  readonly line: number;
  /** The SQL as written on the error's line before it. */
  readonly before: string;
  /** The SQL as written at the error, from its position to the end of its line. */
  readonly near: string;
  readonly message: string;
}

/** Rendered text [from, to) came from source text [source, sourceEnd); `verbatim` if copied as is. */
interface Segment {
  readonly from: number;
  readonly to: number;
  readonly source: number;
  readonly sourceEnd: number;
  readonly verbatim: boolean;
}

/** The sample window lint renders with: its value does not matter, its shape (window, lookback) does. */
export function sampleWindow(detector: Detector): TimeWindow {
  const end = Date.UTC(2026, 0, 1);
  return { start: new Date(end - detector.windowMs), end: new Date(end) };
}

/** Replaces a parameter that did not render so the rest of the query can still be checked. */
const PLACEHOLDER = 'NULL';

const SNIPPET_LENGTH = 60;

export class DetectorSql {
  /**
   * Parser errors in the order the parser met them. The first is the one worth reporting: the
   * parser's recovery adds later ones, some at earlier positions, that follow from it.
   */
  readonly syntaxErrors: readonly SyntaxProblem[];
  /** The parse tree, or undefined if the rendered SQL has a syntax error. */
  readonly tree: ProgramContext | undefined;
  private readonly nodeList: readonly unknown[];
  private readonly sourceLineStarts: readonly number[];
  private readonly renderedLineStarts: readonly number[];
  /** UTF-16 offset of each code point of `rendered`: the parser counts code points, strings count UTF-16 units. */
  private readonly codePointOffsets: readonly number[] | undefined;

  private constructor(
    readonly detector: Detector,
    /** Lowercase names of the functions that behave the same on Athena and DuckDB. */
    readonly portableFunctions: ReadonlySet<string>,
    /** The SQL as written, tokenized; token lines are SQL lines (see `fileLine`). */
    readonly tokens: readonly SqlToken[],
    readonly paramProblems: readonly ParamProblem[],
    /** The SQL with every parameter replaced by a literal: what the parser read. */
    readonly rendered: string,
    private readonly segments: readonly Segment[],
    parseErrors: readonly ParseError[],
    tree: ProgramContext,
  ) {
    this.sourceLineStarts = lineStarts(detector.sql);
    this.renderedLineStarts = lineStarts(rendered);
    this.codePointOffsets = /[\uD800-\uDFFF]/.test(rendered) ? codePointOffsets(rendered) : undefined;
    this.syntaxErrors = parseErrors.map((error) => this.syntaxProblem(error));
    this.tree = this.syntaxErrors.length === 0 ? tree : undefined;
    this.nodeList = this.tree ? allNodes(this.tree) : [];
  }

  /**
   * Tokenizes, renders and parses the detector's SQL.
   * @throws SqlLexError if the SQL has an unterminated string, quoted identifier or comment.
   */
  static prepare(detector: Detector, portableFunctions: ReadonlySet<string>): DetectorSql {
    const tokens = tokenizeSql(detector.sql);
    const values = paramsForWindow(detector, sampleWindow(detector));
    const problems: ParamProblem[] = [];
    const segments: Segment[] = [];
    let rendered = '';
    for (const token of tokens) {
      const text = token.kind === 'parameter' ? renderParam(token, values, problems) : token.text;
      segments.push({
        from: rendered.length,
        to: rendered.length + text.length,
        source: token.offset,
        sourceEnd: token.offset + token.text.length,
        verbatim: token.kind !== 'parameter',
      });
      rendered += text;
    }
    const errors: ParseError[] = [];
    const tree = new TrinoSQL().parse(rendered, (error) => errors.push(error));
    return new DetectorSql(detector, portableFunctions, tokens, problems, rendered, segments, errors, tree);
  }

  /** The rule nodes of one class in document order; none if the SQL did not parse. */
  nodes<T>(type: NodeClass<T>): T[] {
    return this.nodeList.filter((node): node is T => node instanceof type);
  }

  /** The file line of a line of `detector.sql`. */
  fileLine(sqlLine: number): number {
    return this.detector.sqlLine + sqlLine - 1;
  }

  /** The file line where a node starts. */
  lineOf(node: RuleNode): number {
    const [from] = this.renderedRange(node);
    return this.fileLine(lineAt(this.sourceLineStarts, this.toSource(from, 'start')));
  }

  /** The SQL as written under a node, on one line and shortened, to quote in a message. */
  sourceOf(node: RuleNode): string {
    const [from, to] = this.renderedRange(node);
    if (from === to) return '';
    return snippet(this.detector.sql.slice(this.toSource(from, 'start'), this.toSource(to, 'end')));
  }

  /** The rendered text under a node: parameters appear as the literals the parser read. */
  renderedOf(node: RuleNode): string {
    const [from, to] = this.renderedRange(node);
    return this.rendered.slice(from, to);
  }

  /** [from, to) of a node in `rendered`, in UTF-16 offsets; empty for a node with no tokens. */
  private renderedRange(node: RuleNode): readonly [number, number] {
    const from = this.utf16(node.start?.start ?? 0);
    const stop = node.stop;
    return [from, stop && stop.stop >= (node.start?.start ?? 0) ? this.utf16(stop.stop + 1) : from];
  }

  private utf16(codePoint: number): number {
    return this.codePointOffsets?.[codePoint] ?? codePoint;
  }

  /** Maps an offset in the rendered text to the SQL as written; a rendered literal maps to its `:name`. */
  private toSource(offset: number, edge: 'start' | 'end'): number {
    const at = edge === 'start' ? offset : offset - 1;
    const segment = this.segments.find((candidate) => at >= candidate.from && at < candidate.to);
    if (!segment) return this.detector.sql.length;
    if (segment.verbatim) return segment.source + (offset - segment.from);
    return edge === 'start' ? segment.source : segment.sourceEnd;
  }

  private syntaxProblem(error: ParseError): SyntaxProblem {
    let renderedOffset = this.renderedLineStarts[error.startLine - 1] ?? 0;
    for (let column = 1; column < error.startColumn && renderedOffset < this.rendered.length; column++) {
      renderedOffset += (this.rendered.codePointAt(renderedOffset) as number) > 0xffff ? 2 : 1;
    }
    const offset = this.toSource(renderedOffset, 'start');
    const line = lineAt(this.sourceLineStarts, offset);
    const lineEnd = this.detector.sql.indexOf('\n', offset);
    return {
      line: this.fileLine(line),
      before: this.detector.sql.slice(this.sourceLineStarts[line - 1], offset),
      near: this.detector.sql.slice(offset, lineEnd < 0 ? undefined : lineEnd),
      message: error.message,
    };
  }
}

function renderParam(token: SqlToken, values: ParamValues, problems: ParamProblem[]): string {
  const name = token.text.slice(1);
  const value = values[name];
  const report = (kind: ParamProblem['kind'], message: string) => {
    if (!problems.some((problem) => problem.param === name)) {
      problems.push({ param: name, kind, line: token.line, message });
    }
    return PLACEHOLDER;
  };
  if (value === undefined) return report('unknown', unknownParamMessage(name, Object.keys(values)));
  try {
    return renderLiteral(name, value);
  } catch (error) {
    if (error instanceof ParamError) return report('bad-value', error.message);
    throw error;
  }
}

function unknownParamMessage(name: string, known: readonly string[]): string {
  const guess = known.find((candidate) => editDistance(candidate, name) <= 2);
  const declared = known.filter((candidate) => !(BUILT_IN_PARAMS as readonly string[]).includes(candidate));
  const builtIns = BUILT_IN_PARAMS.map((param) => `:${param}`).join(', ');
  return (
    `unknown parameter :${name}${guess ? ` (did you mean :${guess}?)` : ''}; declare it under params: in the header` +
    `${declared.length > 0 ? ` (declared: ${declared.join(', ')})` : ''} or use a built-in (${builtIns})`
  );
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] as number) + 1, (current[j - 1] as number) + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length] as number;
}

function codePointOffsets(text: string): number[] {
  const offsets: number[] = [];
  let offset = 0;
  for (const char of text) {
    offsets.push(offset);
    offset += char.length;
  }
  offsets.push(offset);
  return offsets;
}

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text.charAt(i) === '\n') starts.push(i + 1);
  return starts;
}

/** 1-based line of an offset. */
function lineAt(starts: readonly number[], offset: number): number {
  let line = 1;
  while (line < starts.length && (starts[line] as number) <= offset) line++;
  return line;
}

/** Text on one line, at most SNIPPET_LENGTH characters, for quoting in a one-line message. */
export function snippet(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= SNIPPET_LENGTH ? flat : `${flat.slice(0, SNIPPET_LENGTH - 1)}…`;
}
