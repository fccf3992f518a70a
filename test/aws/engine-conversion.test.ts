/**
 * The same typed values selected on the real DuckDB engine and returned by (mocked) Athena must
 * become identical rows and identical findings: a detector's output may not depend on the engine.
 */
import {
  AthenaClient,
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  StartQueryExecutionCommand,
} from '@aws-sdk/client-athena';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parseDetector } from '../../lambdas/core/detector.ts';
import { toFinding } from '../../lambdas/core/finding.ts';
import type { QueryResult } from '../../lambdas/core/ports.ts';
import { AthenaEngine } from '../../lambdas/engines/athena-engine.ts';
import { type DuckDbEngine, openDuckDbEngine } from '../../lambdas/engines/duckdb-engine.ts';
import { detectorText } from '../support/detector-text.ts';
import { execution, resultPage } from './athena-mock.ts';

/** Column, Trino expression, Athena's ColumnInfo type, and the text Athena returns for it. */
const VALUES: readonly (readonly [string, string, string, string | null])[] = [
  ['actor_id', `'emp-0042'`, 'varchar', 'emp-0042'],
  ['summary', `'exported 68000 customer records'`, 'varchar', 'exported 68000 customer records'],
  ['score', 'CAST(48.25 AS DOUBLE)', 'double', '48.25'],
  ['event_count', 'CAST(68000 AS BIGINT)', 'bigint', '68000'],
  ['first_seen', `TIMESTAMP '2026-01-02 03:04:05.678'`, 'timestamp', '2026-01-02 03:04:05.678'],
  ['huge', `CAST('9007199254740993' AS BIGINT)`, 'bigint', '9007199254740993'],
  ['negative', 'CAST(-5 AS INTEGER)', 'integer', '-5'],
  ['ratio', 'CAST(0.1 AS DOUBLE)', 'double', '0.1'],
  ['price', 'CAST(12.50 AS DECIMAL(10,2))', 'decimal', '12.50'],
  ['exported', 'true', 'boolean', 'true'],
  ['day', `DATE '2026-01-02'`, 'date', '2026-01-02'],
  [
    'zoned',
    `CAST('2026-07-02 03:04:05.678 Europe/Berlin' AS TIMESTAMP WITH TIME ZONE)`,
    'timestamp with time zone',
    '2026-07-02 03:04:05.678 Europe/Berlin',
  ],
  ['nothing', 'CAST(NULL AS VARCHAR)', 'varchar', null],
  ['empty', `''`, 'varchar', ''],
];

const SQL = `SELECT ${VALUES.map(([name, expression]) => `${expression} AS ${name}`).join(', ')}`;
const DETECTOR = parseDetector('queries/detectors/conversion.sql', detectorText({ id: 'conversion' }, SQL));
const WINDOW = { start: new Date('2026-01-02T03:00:00Z'), end: new Date('2026-01-02T04:00:00Z') };
const DETECTED_AT = new Date('2026-01-02T04:20:00Z');

const athena = mockClient(AthenaClient);
let duckdb: DuckDbEngine;

beforeAll(async () => {
  duckdb = await openDuckDbEngine();
});
afterAll(() => duckdb.close());
beforeEach(() => {
  athena.reset();
  athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q-1' });
  athena.on(GetQueryExecutionCommand).resolves(execution('q-1', 'SUCCEEDED'));
  athena.on(GetQueryResultsCommand).resolves(
    resultPage(
      VALUES.map(([name, , type]) => [name, type] as const),
      [VALUES.map(([, , , text]) => text)],
    ),
  );
});

async function both(): Promise<{ local: QueryResult; aws: QueryResult }> {
  const request = { sql: SQL, label: 'conversion' };
  const aws = new AthenaEngine({
    client: new AthenaClient({ region: 'eu-central-1' }),
    workGroup: 'auditlake',
    database: 'auditlake_lake',
    sleep: async () => undefined,
  });
  return { local: await duckdb.query(request), aws: await aws.query(request) };
}

describe('DuckDB and Athena value conversion', () => {
  it('gives identical rows for bigint beyond 2^53, double, decimal, boolean, date, timestamps, NULL and empty text', async () => {
    const { local, aws } = await both();
    expect(aws.rows).toEqual(local.rows);
    expect(local.rows[0]).toMatchObject({
      huge: '9007199254740993',
      first_seen: '2026-01-02T03:04:05.678Z',
      zoned: '2026-07-02T01:04:05.678Z',
      nothing: null,
      empty: '',
    });
  });

  it('gives identical column types', async () => {
    const { local, aws } = await both();
    expect(aws.columns).toEqual(local.columns);
  });

  it('gives identical findings', async () => {
    const { local, aws } = await both();
    const [localRow] = local.rows;
    const [awsRow] = aws.rows;
    if (!localRow || !awsRow) throw new Error('expected one row from each engine');
    const finding = toFinding(DETECTOR, WINDOW, awsRow, DETECTED_AT);
    expect(finding).toEqual(toFinding(DETECTOR, WINDOW, localRow, DETECTED_AT));
    expect(finding).toMatchObject({
      score: 48.25,
      event_count: 68000,
      first_seen: '2026-01-02T03:04:05.678Z',
      evidence: { huge: '9007199254740993', price: 12.5, exported: true, nothing: null, empty: '' },
    });
  });
});
