/**
 * Watermarks, dedup claims and per-detector leases in DynamoDB, every change a conditional write so
 * concurrent invocations cannot both take a window.
 *
 * Key design (one table with a string partition key `pk`, no sort key; dedup claims may live in a
 * second table of the same shape):
 *
 * | item      | `pk`                          | attributes                                                   |
 * |-----------|-------------------------------|--------------------------------------------------------------|
 * | watermark | `watermark#<detector-id>`     | `watermark` (ISO-8601 window end), `updated_at` (ISO)        |
 * | dedup     | `dedup#<detector-id>#<actor>` | `finding_id`, `at` (window start, ms), `expires_at` (TTL, s) |
 * | lease     | `lease#<detector-id>`         | `owner` (request id), `until` (ms), `expires_at` (TTL, s)    |
 *
 * Turn on TTL for the attribute `expires_at`. Correctness never depends on TTL (DynamoDB deletes
 * expired items lazily, sometimes days late): the dedup condition compares `at` itself.
 *
 * Two invocations of one detector: the first takes the lease and runs; the second finds the lease
 * held and exits cleanly without querying. Should a lease lapse while its holder still runs (the
 * holder outlived its own deadline), the watermark write is the backstop: it only moves from the
 * value the run started with, so the later writer gets `WatermarkConflictError`, which the runner
 * reports as `skippedByConflict`; it never advances twice or skips a window.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { WatermarkConflictError } from '../core/errors.ts';
import type { DedupClaim, DedupStore, WatermarkStore } from '../core/ports.ts';

/** Keeps two invocations of one detector from running its windows at the same time. */
export interface DetectorLease {
  /** True if `owner` now holds the detector's lease until `until` (free, lapsed, or already its own). */
  acquire(detectorId: string, owner: string, now: Date, until: Date): Promise<boolean>;
  /** Gives the lease back if `owner` still holds it. */
  release(detectorId: string, owner: string): Promise<void>;
}

export interface DynamoDbStateStoreOptions {
  readonly client: DynamoDBDocumentClient;
  /** Table of watermarks and leases (and of dedup claims unless `dedupTableName` is given). */
  readonly tableName: string;
  /** @default tableName */
  readonly dedupTableName?: string;
  /** Stamps `updated_at` on watermarks. @default the system clock */
  readonly clock?: () => Date;
}

export const watermarkKey = (detectorId: string) => `watermark#${detectorId}`;
export const dedupItemKey = (key: string) => `dedup#${key}`;
export const leaseKey = (detectorId: string) => `lease#${detectorId}`;

export class DynamoDbStateStore implements WatermarkStore, DedupStore, DetectorLease {
  private readonly client: DynamoDBDocumentClient;
  private readonly table: string;
  private readonly dedupTable: string;
  private readonly clock: () => Date;

  constructor(options: DynamoDbStateStoreOptions) {
    this.client = options.client;
    this.clock = options.clock ?? (() => new Date());
    this.table = options.tableName;
    this.dedupTable = options.dedupTableName ?? options.tableName;
  }

  async get(detectorId: string): Promise<Date | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.table, Key: { pk: watermarkKey(detectorId) }, ConsistentRead: true }),
    );
    const value: unknown = Item?.watermark;
    return typeof value === 'string' ? new Date(value) : undefined;
  }

  async advance(detectorId: string, expected: Date | undefined, next: Date): Promise<void> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.table,
          Item: {
            pk: watermarkKey(detectorId),
            watermark: next.toISOString(),
            updated_at: this.clock().toISOString(),
          },
          ...(expected === undefined
            ? { ConditionExpression: 'attribute_not_exists(pk)' }
            : {
                ConditionExpression: '#watermark = :expected',
                ExpressionAttributeNames: { '#watermark': 'watermark' },
                ExpressionAttributeValues: { ':expected': expected.toISOString() },
              }),
        }),
      );
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) {
        throw new WatermarkConflictError(
          `${detectorId}: the watermark in ${this.table} moved during the run (expected ${expected?.toISOString() ?? 'none'})`,
        );
      }
      throw error;
    }
  }

  /**
   * `decideClaim` (core/dedup.ts) as one conditional put: the claim is written when the key is
   * free, held by this very finding, or held by a finding at least `periodMs` away in either
   * direction; otherwise the condition fails and the finding is a duplicate. The old item tells
   * a fresh claim from a re-run of the same finding.
   */
  async claim(key: string, findingId: string, at: Date, periodMs: number): Promise<DedupClaim> {
    const atMs = at.getTime();
    try {
      const { Attributes } = await this.client.send(
        new PutCommand({
          TableName: this.dedupTable,
          Item: {
            pk: dedupItemKey(key),
            finding_id: findingId,
            at: atMs,
            expires_at: Math.ceil((atMs + periodMs) / 1000),
          },
          ConditionExpression:
            'attribute_not_exists(pk) OR finding_id = :finding OR #at <= :earliest OR #at >= :latest',
          ExpressionAttributeNames: { '#at': 'at' },
          ExpressionAttributeValues: {
            ':finding': findingId,
            ':earliest': atMs - periodMs,
            ':latest': atMs + periodMs,
          },
          ReturnValues: 'ALL_OLD',
        }),
      );
      return Attributes?.finding_id === findingId ? 'same-finding' : 'new';
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return 'duplicate';
      throw error;
    }
  }

  async acquire(detectorId: string, owner: string, now: Date, until: Date): Promise<boolean> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.table,
          Item: {
            pk: leaseKey(detectorId),
            owner,
            until: until.getTime(),
            expires_at: Math.ceil(until.getTime() / 1000),
          },
          ConditionExpression: 'attribute_not_exists(pk) OR #until <= :now OR #owner = :owner',
          ExpressionAttributeNames: { '#until': 'until', '#owner': 'owner' },
          ExpressionAttributeValues: { ':now': now.getTime(), ':owner': owner },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  async release(detectorId: string, owner: string): Promise<void> {
    try {
      await this.client.send(
        new DeleteCommand({
          TableName: this.table,
          Key: { pk: leaseKey(detectorId) },
          ConditionExpression: '#owner = :owner',
          ExpressionAttributeNames: { '#owner': 'owner' },
          ExpressionAttributeValues: { ':owner': owner },
        }),
      );
    } catch (error) {
      // Someone else took over a lapsed lease: it is theirs to release.
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }
}
