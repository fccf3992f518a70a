/**
 * Rollup partitions in the S3 lake, written by Athena: `INSERT INTO <table>` adds a day's rows
 * under `<prefix><table>/dt=YYYY-MM-DD/` (the Glue table is partitioned by `dt` with partition
 * projection, so no partition needs registering). Which days exist is read from S3 listings,
 * which costs nothing, rather than from a query. A day is rebuilt by deleting its objects first:
 * rollups are derived data, the only prefix of the lake the detector may delete in.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import { s3Sdk } from '../aws/lazy-sdk.ts';
import type { QueryEngine } from '../core/ports.ts';
import type { RollupStore } from '../core/rollup.ts';

export interface AthenaRollupStoreOptions {
  readonly engine: QueryEngine;
  readonly s3: S3Client;
  /** The lake bucket. */
  readonly bucket: string;
  /** Key prefix of the rollup tables, each under `<prefix><table>/`. @default 'rollups/' */
  readonly prefix?: string;
}

const DT = /^\d{4}-\d{2}-\d{2}$/;
const TABLE = /^[a-z][a-z0-9_]*$/;

export class AthenaRollupStore implements RollupStore {
  private readonly prefix: string;

  constructor(private readonly options: AthenaRollupStoreOptions) {
    this.prefix = options.prefix ?? 'rollups/';
  }

  async existingPartitions(table: string, fromDt: string, toDt: string): Promise<ReadonlySet<string>> {
    const days = new Set<string>();
    const tablePrefix = `${this.prefix}${checkTable(table)}/dt=`;
    let token: string | undefined;
    do {
      const { ListObjectsV2Command } = await s3Sdk();
      const page = await this.options.s3.send(
        new ListObjectsV2Command({
          Bucket: this.options.bucket,
          Prefix: tablePrefix,
          Delimiter: '/',
          StartAfter: `${tablePrefix}${fromDt}`,
          ContinuationToken: token,
        }),
      );
      for (const common of page.CommonPrefixes ?? []) {
        const dt = common.Prefix?.slice(tablePrefix.length, -1) ?? '';
        if (DT.test(dt) && dt >= fromDt && dt <= toDt) days.add(dt);
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return days;
  }

  async writePartition(table: string, dt: string, sql: string): Promise<void> {
    if (!DT.test(dt)) throw new Error(`rollup partition ${dt} is not a YYYY-MM-DD date`);
    await this.deletePartition(checkTable(table), dt);
    await this.options.engine.query({
      sql: `INSERT INTO ${table} SELECT *, '${dt}' AS dt FROM (\n${sql}\n)`,
      label: `rollup ${table} ${dt}`,
      // A fresh token: the partition was just deleted, so an earlier execution must not be reused.
      idempotencyToken: `rollup ${table} ${dt} ${Date.now()}`,
    });
  }

  private async deletePartition(table: string, dt: string): Promise<void> {
    const prefix = `${this.prefix}${table}/dt=${dt}/`;
    const { DeleteObjectsCommand, ListObjectsV2Command } = await s3Sdk();
    let token: string | undefined;
    do {
      const page = await this.options.s3.send(
        new ListObjectsV2Command({ Bucket: this.options.bucket, Prefix: prefix, ContinuationToken: token }),
      );
      const keys = (page.Contents ?? []).flatMap((object) => (object.Key ? [{ Key: object.Key }] : []));
      if (keys.length > 0) {
        await this.options.s3.send(
          new DeleteObjectsCommand({ Bucket: this.options.bucket, Delete: { Objects: keys, Quiet: true } }),
        );
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }
}

function checkTable(table: string): string {
  if (!TABLE.test(table)) throw new Error(`rollup table "${table}" is not a snake_case name`);
  return table;
}
