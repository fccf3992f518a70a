/** A query engine for core tests: answers each rendered query with rows from a function. */
import type { Finding } from '../../lambdas/core/finding.ts';
import type {
  FindingSink,
  QueryColumn,
  QueryEngine,
  QueryRequest,
  QueryResult,
  SqlRow,
} from '../../lambdas/core/ports.ts';

export class FakeEngine implements QueryEngine {
  readonly name = 'fake';
  readonly requests: QueryRequest[] = [];

  constructor(private readonly answer: (request: QueryRequest) => SqlRow[] | Error) {}

  async query(request: QueryRequest): Promise<QueryResult> {
    this.requests.push(request);
    const rows = this.answer(request);
    if (rows instanceof Error) throw rows;
    const names = new Set<string>(['actor_id', 'summary', ...rows.flatMap((row) => Object.keys(row))]);
    const columns: QueryColumn[] = [...names].map((name) => ({ name, type: 'varchar' }));
    return { columns, rows, stats: { engineMillis: 1 } };
  }

  async close(): Promise<void> {}
}

/** The window start a fake engine was asked about, read back from the rendered SQL. */
export function windowStartOf(request: QueryRequest): string {
  const match = /TIMESTAMP '([^']+)'/.exec(request.sql);
  if (!match?.[1]) throw new Error(`no window literal in ${request.sql}`);
  return match[1];
}

export class CaptureSink implements FindingSink {
  readonly name = 'capture';
  readonly published: Finding[] = [];
  failNext = 0;

  async publish(findings: readonly Finding[]): Promise<void> {
    if (this.failNext > 0) {
      this.failNext--;
      throw new Error('sink unavailable');
    }
    this.published.push(...findings);
  }
}
