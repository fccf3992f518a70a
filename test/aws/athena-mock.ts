/** Athena API answers for engine tests: executions in a state, and result pages as Athena sends them. */
import type {
  ColumnInfo,
  GetQueryExecutionCommandOutput,
  GetQueryResultsCommandOutput,
  QueryExecutionState,
} from '@aws-sdk/client-athena';

export function execution(
  id: string,
  state: QueryExecutionState,
  extra: {
    error?: { ErrorCategory?: number; Retryable?: boolean; ErrorMessage?: string };
    submitted?: Date;
    reason?: string;
  } = {},
): GetQueryExecutionCommandOutput {
  return {
    $metadata: {},
    QueryExecution: {
      QueryExecutionId: id,
      Status: {
        State: state,
        ...(extra.error ? { AthenaError: extra.error } : {}),
        ...(extra.submitted ? { SubmissionDateTime: extra.submitted } : {}),
        ...(extra.reason ? { StateChangeReason: extra.reason } : {}),
      },
      Statistics:
        state === 'SUCCEEDED' ? { DataScannedInBytes: 52_428_800, EngineExecutionTimeInMillis: 1840 } : {},
    },
  };
}

/** `[name, athenaType]` pairs, as `ResultSetMetadata.ColumnInfo`. */
export function columnInfo(columns: readonly (readonly [string, string])[]): ColumnInfo[] {
  return columns.map(([name, type]) => ({ Name: name, Label: name, Type: type }));
}

/**
 * One GetQueryResults page. Values are text as Athena returns them; `null` becomes a datum without
 * `VarCharValue`. The first page starts with the header row of column names, as Athena's does.
 */
export function resultPage(
  columns: readonly (readonly [string, string])[],
  rows: readonly (readonly (string | null)[])[],
  options: { first?: boolean; nextToken?: string } = {},
): GetQueryResultsCommandOutput {
  const header = { Data: columns.map(([name]) => ({ VarCharValue: name })) };
  const data = rows.map((row) => ({
    Data: row.map((value) => (value === null ? {} : { VarCharValue: value })),
  }));
  return {
    $metadata: {},
    ResultSet: {
      ResultSetMetadata: { ColumnInfo: columnInfo(columns) },
      Rows: options.first === false ? data : [header, ...data],
    },
    ...(options.nextToken ? { NextToken: options.nextToken } : {}),
  };
}
