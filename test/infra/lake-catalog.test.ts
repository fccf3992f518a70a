import { Match } from 'aws-cdk-lib/assertions';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { describe, expect, it } from 'vitest';
import { LakeCatalog } from '../../infra/constructs/lake-catalog.ts';
import { AUDIT_EVENT_COLUMNS } from '../../lambdas/core/audit-event.ts';
import { EMPLOYEE_COLUMNS } from '../../lambdas/engines/lake-tables.ts';
import { constructStack, Template } from './support/infra-app.ts';

const DAILY = {
  name: 'employee_daily',
  columns: [
    { name: 'actor_id', type: 'string' },
    { name: 'events', type: 'bigint' },
  ],
};

function synth(props: Partial<ConstructorParameters<typeof LakeCatalog>[2]> = {}) {
  const stack = constructStack();
  const bucket = new s3.Bucket(stack, 'Lake');
  const catalog = new LakeCatalog(stack, 'Catalog', { bucket, rollupTables: [DAILY], ...props });
  return { catalog, template: Template.fromStack(stack) };
}

function table(template: Template, name: string) {
  const found = Object.values(template.findResources('AWS::Glue::Table')).filter(
    (resource) => resource.Properties.TableInput.Name === name,
  );
  expect(found).toHaveLength(1);
  return found[0]?.Properties.TableInput;
}

const DT_PROJECTION = {
  'projection.enabled': 'true',
  'projection.dt.type': 'date',
  'projection.dt.format': 'yyyy-MM-dd',
  'projection.dt.range': '2000-01-01,NOW+1DAYS',
};

describe('LakeCatalog', () => {
  it('generates a database name SQL never has to quote', () => {
    const { catalog } = synth();

    expect(catalog.databaseName).toMatch(/^[a-z0-9_]+$/);
  });

  it('defines audit_events from AUDIT_EVENT_COLUMNS, as Parquet partitioned by dt', () => {
    const { template } = synth();
    const input = table(template, 'audit_events');

    expect(input.StorageDescriptor.Columns.map((column: { Name: string }) => column.Name)).toEqual(
      AUDIT_EVENT_COLUMNS.map((column) => column.name),
    );
    expect(
      input.StorageDescriptor.Columns.find((column: { Name: string }) => column.Name === 'event_time').Type,
    ).toBe('timestamp');
    expect(input.StorageDescriptor.SerdeInfo.SerializationLibrary).toBe(
      'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe',
    );
    expect(input.PartitionKeys).toEqual([expect.objectContaining({ Name: 'dt', Type: 'string' })]);
    expect(input.StorageDescriptor.Location['Fn::Join'][1]).toContain('/audit_events/');
  });

  it('projects dt partitions instead of running a crawler', () => {
    const { template } = synth();

    expect(table(template, 'audit_events').Parameters).toMatchObject(DT_PROJECTION);
    template.resourceCountIs('AWS::Glue::Crawler', 0);
    template.resourceCountIs('AWS::Glue::Partition', 0);
  });

  it('types employees like the local views do, read from JSON lines', () => {
    const { template } = synth();
    const input = table(template, 'employees');

    expect(input.StorageDescriptor.Columns.map((column: { Name: string }) => column.Name)).toEqual(
      EMPLOYEE_COLUMNS.map((column) => column.name),
    );
    expect(input.StorageDescriptor.Columns).toContainEqual({ Name: 'work_start_hour', Type: 'int' });
    expect(input.StorageDescriptor.Columns).toContainEqual({ Name: 'hire_date', Type: 'date' });
    expect(input.StorageDescriptor.SerdeInfo.SerializationLibrary).toBe('org.openx.data.jsonserde.JsonSerDe');
    expect(input.PartitionKeys).toEqual([]);
  });

  it('creates each rollup table with its columns in order, under rollups/<table>/', () => {
    const { template } = synth();
    const input = table(template, 'employee_daily');

    expect(input.StorageDescriptor.Columns).toEqual([
      { Name: 'actor_id', Type: 'string' },
      { Name: 'events', Type: 'bigint' },
    ]);
    expect(input.Parameters).toMatchObject(DT_PROJECTION);
    expect(input.StorageDescriptor.Location['Fn::Join'][1]).toContain('/rollups/employee_daily/');
  });

  it('creates the findings history table over findings/ as JSON lines by dt', () => {
    const { template } = synth();
    const input = table(template, 'findings');

    expect(input.StorageDescriptor.Columns).toEqual(
      expect.arrayContaining([
        { Name: 'finding_id', Type: 'string' },
        { Name: 'tags', Type: 'array<string>' },
        { Name: 'suppression', Type: 'struct<reason:string,owner:string,expires:string>' },
      ]),
    );
    expect(input.Parameters).toMatchObject(DT_PROJECTION);
    expect(input.StorageDescriptor.Location['Fn::Join'][1]).toContain('/findings/');
  });

  it('creates every table after its database', () => {
    const { template } = synth();

    template.allResources('AWS::Glue::Table', { DependsOn: [Match.stringLikeRegexp('^CatalogDatabase')] });
  });

  it('reports every bad rollup table in one error', () => {
    const stack = constructStack();
    const bucket = new s3.Bucket(stack, 'Lake');

    expect(
      () =>
        new LakeCatalog(stack, 'Catalog', {
          bucket,
          rollupTables: [
            { name: 'Daily-Counts', columns: [] },
            { name: 'findings', columns: [{ name: 'x', type: 'string' }] },
          ],
        }),
    ).toThrow(
      /Daily-Counts is not a snake_case name.*Daily-Counts has no columns.*findings clashes with a lake table/,
    );
  });
});
