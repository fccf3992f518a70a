/**
 * The Glue database and tables Athena reads: `audit_events` (Parquet), `employees` (JSON lines),
 * one table per rollup (Parquet, written by Athena `INSERT INTO`) and the findings history (JSON
 * lines). Dated tables use partition projection on `dt`, so no crawler runs and no partition is
 * ever registered: a new day is queryable the moment its first file lands.
 */
import { Names, Stack } from 'aws-cdk-lib';
import * as glue from 'aws-cdk-lib/aws-glue';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { LAKE_PREFIXES } from './lake-layout.ts';
import {
  AUDIT_EVENT_GLUE_COLUMNS,
  AUDIT_EVENTS_TABLE,
  DT_PARTITION,
  EMPLOYEE_GLUE_COLUMNS,
  EMPLOYEES_TABLE,
  FINDING_GLUE_COLUMNS,
  FINDINGS_TABLE,
  type GlueColumn,
} from './lake-tables.ts';

export interface RollupTableSpec {
  readonly name: string;
  /** In SELECT order: Athena's INSERT INTO matches by position. */
  readonly columns: readonly GlueColumn[];
}

export interface LakeCatalogProps {
  /** The lake bucket the tables point into. */
  readonly bucket: s3.IBucket;
  /**
   * Rollup tables to create: the `table` of each `queries/rollups` file with its result columns.
   * @default none
   */
  readonly rollupTables?: readonly RollupTableSpec[];
  /**
   * Oldest `dt` partition projection offers; partitions up to tomorrow (clock skew) exist.
   * @default '2000-01-01' (the oldest event time ingest accepts)
   */
  readonly firstDay?: string;
}

const PARQUET = {
  inputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat',
  outputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat',
  serdeInfo: { serializationLibrary: 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe' },
};

const JSON_LINES = {
  inputFormat: 'org.apache.hadoop.mapred.TextInputFormat',
  outputFormat: 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat',
  serdeInfo: {
    serializationLibrary: 'org.openx.data.jsonserde.JsonSerDe',
    // A malformed line fails the query rather than silently disappearing from an investigation.
    parameters: { 'ignore.malformed.json': 'false' },
  },
};

export class LakeCatalog extends Construct {
  public readonly database: glue.CfnDatabase;
  /** Generated: lowercase letters, digits and `_`, so SQL never needs to quote it. */
  public readonly databaseName: string;
  /** Every table by its name (`audit_events`, `employees`, rollup tables, `findings`). */
  public readonly tables: ReadonlyMap<string, glue.CfnTable>;
  public readonly rollupTableNames: readonly string[];

  constructor(scope: Construct, id: string, props: LakeCatalogProps) {
    super(scope, id);
    const rollupTables = props.rollupTables ?? [];
    const firstDay = props.firstDay ?? '2000-01-01';
    const problems: string[] = [];
    const names = rollupTables.map((table) => table.name);
    const reserved = new Set([AUDIT_EVENTS_TABLE, EMPLOYEES_TABLE, FINDINGS_TABLE]);
    for (const table of rollupTables) {
      if (!/^[a-z][a-z0-9_]*$/.test(table.name))
        problems.push(`rollup table ${table.name} is not a snake_case name`);
      if (reserved.has(table.name)) problems.push(`rollup table ${table.name} clashes with a lake table`);
      if (table.columns.length === 0) problems.push(`rollup table ${table.name} has no columns`);
    }
    if (new Set(names).size !== names.length) problems.push('rollupTables lists a table twice');
    if (!/^\d{4}-\d{2}-\d{2}$/.test(firstDay)) problems.push(`firstDay ${firstDay} is not YYYY-MM-DD`);
    if (problems.length > 0) throw new Error(`LakeCatalog: ${problems.join('; ')}`);

    const stack = Stack.of(this);
    this.databaseName = Names.uniqueResourceName(this, { separator: '_', maxLength: 64 }).toLowerCase();
    this.database = new glue.CfnDatabase(this, 'Database', {
      catalogId: stack.account,
      databaseInput: {
        name: this.databaseName,
        description: 'auditlake: audit events, employee directory, rollups and findings history',
      },
    });
    this.rollupTableNames = names;

    const location = (prefix: string) => `s3://${props.bucket.bucketName}/${prefix}`;
    const dtProjection = {
      'projection.enabled': 'true',
      'projection.dt.type': 'date',
      'projection.dt.format': 'yyyy-MM-dd',
      'projection.dt.range': `${firstDay},NOW+1DAYS`,
      'projection.dt.interval': '1',
      'projection.dt.interval.unit': 'DAYS',
    };
    const tables = new Map<string, glue.CfnTable>();
    const addTable = (
      constructId: string,
      name: string,
      spec: {
        description: string;
        columns: readonly GlueColumn[];
        prefix: string;
        format: typeof PARQUET | typeof JSON_LINES;
        classification: string;
        partitioned: boolean;
        parameters?: Record<string, string>;
      },
    ) => {
      const table = new glue.CfnTable(this, constructId, {
        catalogId: stack.account,
        databaseName: this.databaseName,
        tableInput: {
          name,
          description: spec.description,
          tableType: 'EXTERNAL_TABLE',
          parameters: {
            EXTERNAL: 'TRUE',
            classification: spec.classification,
            ...(spec.partitioned ? dtProjection : {}),
            ...spec.parameters,
          },
          partitionKeys: spec.partitioned ? [toCfnColumn(DT_PARTITION)] : [],
          storageDescriptor: {
            columns: spec.columns.map(toCfnColumn),
            location: location(spec.prefix),
            ...spec.format,
          },
        },
      });
      table.addResourceDependency(this.database);
      tables.set(name, table);
    };

    addTable('AuditEventsTable', AUDIT_EVENTS_TABLE, {
      description: 'One row per audited action (docs/schema.md); written by Firehose and auditlake ingest',
      columns: AUDIT_EVENT_GLUE_COLUMNS,
      prefix: LAKE_PREFIXES.auditEvents,
      format: PARQUET,
      classification: 'parquet',
      partitioned: true,
    });
    addTable('EmployeesTable', EMPLOYEES_TABLE, {
      description: 'The employee directory detectors join to, as JSON lines',
      columns: EMPLOYEE_GLUE_COLUMNS,
      prefix: LAKE_PREFIXES.employees,
      format: JSON_LINES,
      classification: 'json',
      partitioned: false,
    });
    for (const { name, columns } of rollupTables) {
      addTable(`Rollup${pascalCase(name)}Table`, name, {
        description: `Rollup ${name}: one dt partition per UTC day, built by the detector Lambda`,
        columns,
        prefix: `${LAKE_PREFIXES.rollups}${name}/`,
        format: PARQUET,
        classification: 'parquet',
        partitioned: true,
        parameters: { 'parquet.compression': 'ZSTD' },
      });
    }
    addTable('FindingsTable', FINDINGS_TABLE, {
      description: 'Every finding of every window, suppressed ones included, as JSON lines',
      columns: FINDING_GLUE_COLUMNS,
      prefix: LAKE_PREFIXES.findings,
      format: JSON_LINES,
      classification: 'json',
      partitioned: true,
    });
    this.tables = tables;
  }

  /** The ARNs IAM needs to read one table: the catalog, the database and the table itself. */
  tableArns(...names: readonly string[]): string[] {
    const stack = Stack.of(this);
    return names.map((name) => {
      if (!this.tables.has(name)) throw new Error(`LakeCatalog has no table ${name}`);
      return stack.formatArn({
        service: 'glue',
        resource: 'table',
        resourceName: `${this.databaseName}/${name}`,
      });
    });
  }

  get catalogArn(): string {
    return Stack.of(this).formatArn({ service: 'glue', resource: 'catalog' });
  }

  get databaseArn(): string {
    return Stack.of(this).formatArn({
      service: 'glue',
      resource: 'database',
      resourceName: this.databaseName,
    });
  }
}

function toCfnColumn(column: GlueColumn): glue.CfnTable.ColumnProperty {
  return { name: column.name, type: column.type, ...(column.comment ? { comment: column.comment } : {}) };
}

/** `employee_daily` → `EmployeeDaily`, `off-hours-export` → `OffHoursExport`. */
export function pascalCase(name: string): string {
  return name
    .split(/[-_]/)
    .filter((part) => part !== '')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
}
