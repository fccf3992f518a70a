import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  type PutCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { type DedupEntry, decideClaim } from '../../lambdas/core/dedup.ts';
import { WatermarkConflictError } from '../../lambdas/core/errors.ts';
import { DynamoDbStateStore } from '../../lambdas/stores/dynamodb-state-store.ts';

const ddb = mockClient(DynamoDBDocumentClient);
beforeEach(() => ddb.reset());

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const NOW = new Date('2026-01-01T12:00:00Z');

function store(dedupTableName?: string) {
  return new DynamoDbStateStore({
    client: DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'eu-central-1' })),
    tableName: 'auditlake-state',
    ...(dedupTableName ? { dedupTableName } : {}),
    clock: () => NOW,
  });
}

const conditionFailed = () =>
  new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} });

const putInputs = () => ddb.commandCalls(PutCommand).map((call) => call.args[0].input);

describe('DynamoDbStateStore watermarks', () => {
  it('reads the watermark with a consistent read of watermark#<detector>', async () => {
    ddb.on(GetCommand).resolves({
      Item: { pk: 'watermark#off-hours-export', watermark: '2026-01-01T11:00:00.000Z' },
    });
    const watermark = await store().get('off-hours-export');
    expect(watermark?.toISOString()).toBe('2026-01-01T11:00:00.000Z');
    expect(ddb.commandCalls(GetCommand)[0]?.args[0].input).toEqual({
      TableName: 'auditlake-state',
      Key: { pk: 'watermark#off-hours-export' },
      ConsistentRead: true,
    });
  });

  it('has no watermark for a detector that never ran', async () => {
    ddb.on(GetCommand).resolves({});
    expect(await store().get('off-hours-export')).toBeUndefined();
  });

  it('writes the first watermark only if none exists', async () => {
    ddb.on(PutCommand).resolves({});
    await store().advance('off-hours-export', undefined, new Date('2026-01-01T10:00:00Z'));
    expect(putInputs()).toEqual([
      {
        TableName: 'auditlake-state',
        Item: {
          pk: 'watermark#off-hours-export',
          watermark: '2026-01-01T10:00:00.000Z',
          updated_at: '2026-01-01T12:00:00.000Z',
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    ]);
  });

  it('moves the watermark only from the value the run started with', async () => {
    ddb.on(PutCommand).resolves({});
    await store().advance(
      'off-hours-export',
      new Date('2026-01-01T10:00:00Z'),
      new Date('2026-01-01T11:00:00Z'),
    );
    expect(putInputs()[0]).toEqual({
      TableName: 'auditlake-state',
      Item: {
        pk: 'watermark#off-hours-export',
        watermark: '2026-01-01T11:00:00.000Z',
        updated_at: '2026-01-01T12:00:00.000Z',
      },
      ConditionExpression: '#watermark = :expected',
      ExpressionAttributeNames: { '#watermark': 'watermark' },
      ExpressionAttributeValues: { ':expected': '2026-01-01T10:00:00.000Z' },
    });
  });

  it('reports a failed condition as a watermark conflict', async () => {
    ddb.on(PutCommand).rejects(conditionFailed());
    await expect(
      store().advance('off-hours-export', new Date('2026-01-01T10:00:00Z'), new Date('2026-01-01T11:00:00Z')),
    ).rejects.toBeInstanceOf(WatermarkConflictError);
  });

  it('passes other DynamoDB errors through', async () => {
    ddb
      .on(PutCommand)
      .rejects(Object.assign(new Error('Throughput exceeded'), { name: 'ThrottlingException' }));
    await expect(store().advance('a', undefined, NOW)).rejects.toThrow('Throughput exceeded');
  });
});

describe('DynamoDbStateStore dedup claims', () => {
  const at = new Date('2026-01-01T09:00:00Z');

  it('claims a key with a conditional put that expires at the end of the dedup period', async () => {
    ddb.on(PutCommand).resolves({});
    const claim = await store().claim('off-hours-export#emp-1', 'f-1', at, DAY);
    expect(claim).toBe('new');
    expect(putInputs()[0]).toEqual({
      TableName: 'auditlake-state',
      Item: {
        pk: 'dedup#off-hours-export#emp-1',
        finding_id: 'f-1',
        at: at.getTime(),
        expires_at: (at.getTime() + DAY) / 1000,
      },
      ConditionExpression:
        'attribute_not_exists(pk) OR finding_id = :finding OR #at <= :earliest OR #at >= :latest',
      ExpressionAttributeNames: { '#at': 'at' },
      ExpressionAttributeValues: {
        ':finding': 'f-1',
        ':earliest': at.getTime() - DAY,
        ':latest': at.getTime() + DAY,
      },
      ReturnValues: 'ALL_OLD',
    });
  });

  it('writes claims to the dedup table when one is configured', async () => {
    ddb.on(PutCommand).resolves({});
    await store('auditlake-dedup').claim('k', 'f-1', at, DAY);
    expect(putInputs()[0]?.TableName).toBe('auditlake-dedup');
  });

  it('answers same-finding when the key was held by this very finding', async () => {
    ddb.on(PutCommand).resolves({ Attributes: { pk: 'dedup#k', finding_id: 'f-1', at: at.getTime() } });
    expect(await store().claim('k', 'f-1', at, DAY)).toBe('same-finding');
  });

  it('answers new when it replaced an older finding outside the period', async () => {
    ddb.on(PutCommand).resolves({ Attributes: { pk: 'dedup#k', finding_id: 'f-0', at: at.getTime() - DAY } });
    expect(await store().claim('k', 'f-1', at, DAY)).toBe('new');
  });

  it('answers duplicate when the condition fails', async () => {
    ddb.on(PutCommand).rejects(conditionFailed());
    expect(await store().claim('k', 'f-2', at, DAY)).toBe('duplicate');
  });

  it('decides exactly as decideClaim, in both directions and at the period boundary', async () => {
    const table = new Map<string, Record<string, unknown>>();
    ddb.on(PutCommand).callsFake((input: PutCommandInput) => conditionalPut(table, input));
    const dynamo = store();
    const memory = new Map<string, DedupEntry>();
    const claims: [string, number][] = [
      ['f-a', 0],
      ['f-a', 0],
      ['f-b', HOUR],
      ['f-c', -DAY + 1],
      ['f-d', DAY],
      ['f-e', -DAY],
      ['f-e', -DAY],
      ['f-f', -2 * DAY + 1],
      ['f-g', 3 * DAY],
    ];
    for (const [findingId, offset] of claims) {
      const when = new Date(at.getTime() + offset);
      const expected = decideClaim(memory.get('k'), findingId, when, DAY);
      if (expected === 'new') memory.set('k', { findingId, at: when.getTime() });
      expect(await dynamo.claim('k', findingId, when, DAY), `${findingId} at ${offset}`).toBe(expected);
    }
  });
});

describe('DynamoDbStateStore lease', () => {
  const until = new Date(NOW.getTime() + 15 * 60_000);

  it('takes a free or lapsed lease for the invocation until its deadline', async () => {
    ddb.on(PutCommand).resolves({});
    expect(await store().acquire('off-hours-export', 'req-1', NOW, until)).toBe(true);
    expect(putInputs()[0]).toEqual({
      TableName: 'auditlake-state',
      Item: {
        pk: 'lease#off-hours-export',
        owner: 'req-1',
        until: until.getTime(),
        expires_at: until.getTime() / 1000,
      },
      ConditionExpression: 'attribute_not_exists(pk) OR #until <= :now OR #owner = :owner',
      ExpressionAttributeNames: { '#until': 'until', '#owner': 'owner' },
      ExpressionAttributeValues: { ':now': NOW.getTime(), ':owner': 'req-1' },
    });
  });

  it('does not take a lease another invocation holds', async () => {
    ddb.on(PutCommand).rejects(conditionFailed());
    expect(await store().acquire('off-hours-export', 'req-2', NOW, until)).toBe(false);
  });

  it('releases only its own lease, and leaves one another invocation took over alone', async () => {
    ddb.on(DeleteCommand).rejectsOnce(conditionFailed()).resolves({});
    await store().release('off-hours-export', 'req-1');
    await store().release('off-hours-export', 'req-1');
    expect(ddb.commandCalls(DeleteCommand)[0]?.args[0].input).toEqual({
      TableName: 'auditlake-state',
      Key: { pk: 'lease#off-hours-export' },
      ConditionExpression: '#owner = :owner',
      ExpressionAttributeNames: { '#owner': 'owner' },
      ExpressionAttributeValues: { ':owner': 'req-1' },
    });
  });
});

/**
 * A conditional PutItem over a Map, for the one grammar the store writes: clauses joined by OR,
 * each `attribute_not_exists(pk)` or `<name> <op> <:value>` with op `=`, `<=` or `>=`.
 */
function conditionalPut(table: Map<string, Record<string, unknown>>, input: PutCommandInput) {
  const item = input.Item ?? {};
  const key = String(item.pk);
  const old = table.get(key);
  const names = input.ExpressionAttributeNames ?? {};
  const values = input.ExpressionAttributeValues ?? {};
  const holds = (input.ConditionExpression ?? '').split(' OR ').some((clause) => {
    if (clause === 'attribute_not_exists(pk)') return old === undefined;
    const [name = '', op, ref = ''] = clause.split(' ');
    const actual = old?.[names[name] ?? name];
    const wanted = values[ref];
    if (actual === undefined) return false;
    if (op === '=') return actual === wanted;
    if (op === '<=') return Number(actual) <= Number(wanted);
    if (op === '>=') return Number(actual) >= Number(wanted);
    throw new Error(`unsupported clause ${clause}`);
  });
  if (!holds) throw conditionFailed();
  table.set(key, item);
  return { $metadata: {}, ...(old && input.ReturnValues === 'ALL_OLD' ? { Attributes: old } : {}) };
}
