/**
 * The detector state table (watermarks, dedup claims, leases) in memory, behind
 * aws-sdk-client-mock on the DynamoDB document client. Conditions are evaluated as DynamoDB would:
 * the `OR` of `attribute_not_exists(x)` and comparisons, which is every condition
 * `DynamoDbStateStore` writes. Each call runs to completion before the next, so two invocations
 * racing for one item see what they would see in DynamoDB: one write wins, the other's condition
 * fails. `beforeWrite` lets a test fail a chosen write (a crash at the watermark update).
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  type DeleteCommandInput,
  DynamoDBDocumentClient,
  GetCommand,
  type GetCommandInput,
  PutCommand,
  type PutCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';

type Item = Record<string, unknown>;

export interface FakeStateTable {
  readonly items: Map<string, Item>;
  /** Runs before a put is applied; throw from it to make the write fail. */
  beforeWrite: ((input: PutCommandInput) => void) | undefined;
  /** The stored watermark of a detector (ISO), as the next invocation will read it. */
  watermark(detectorId: string): string | undefined;
  /** Every watermark value written, in order. */
  readonly watermarkWrites: string[];
  reset(): void;
}

export function fakeStateTable(): FakeStateTable {
  const items = new Map<string, Item>();
  const watermarkWrites: string[] = [];
  const dynamo = mockClient(DynamoDBDocumentClient);
  const table: FakeStateTable = {
    items,
    beforeWrite: undefined,
    watermarkWrites,
    watermark: (detectorId) => {
      const value = items.get(`watermark#${detectorId}`)?.watermark;
      return typeof value === 'string' ? value : undefined;
    },
    reset: () => {
      items.clear();
      watermarkWrites.length = 0;
      table.beforeWrite = undefined;
      dynamo.reset();
      install();
    },
  };

  function install(): void {
    dynamo.on(GetCommand).callsFake((input: GetCommandInput) => ({ Item: items.get(keyOf(input.Key)) }));
    dynamo.on(PutCommand).callsFake((input: PutCommandInput) => {
      table.beforeWrite?.(input);
      const item = input.Item ?? {};
      const key = keyOf(item);
      const old = items.get(key);
      if (
        !holds(
          input.ConditionExpression,
          old,
          input.ExpressionAttributeNames,
          input.ExpressionAttributeValues,
        )
      ) {
        throw conditionFailed();
      }
      items.set(key, { ...item });
      if (key.startsWith('watermark#')) watermarkWrites.push(String(item.watermark));
      return input.ReturnValues === 'ALL_OLD' && old ? { Attributes: old } : {};
    });
    dynamo.on(DeleteCommand).callsFake((input: DeleteCommandInput) => {
      const key = keyOf(input.Key);
      if (
        !holds(
          input.ConditionExpression,
          items.get(key),
          input.ExpressionAttributeNames,
          input.ExpressionAttributeValues,
        )
      ) {
        throw conditionFailed();
      }
      items.delete(key);
      return {};
    });
  }

  install();
  return table;
}

function keyOf(key: Item | undefined): string {
  return String(key?.pk ?? '');
}

function conditionFailed(): ConditionalCheckFailedException {
  return new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} });
}

function holds(
  expression: string | undefined,
  item: Item | undefined,
  names: Record<string, string> = {},
  values: Record<string, unknown> = {},
): boolean {
  if (expression === undefined) return true;
  return expression.split(' OR ').some((term) => holdsTerm(term.trim(), item, names, values));
}

function holdsTerm(
  term: string,
  item: Item | undefined,
  names: Record<string, string>,
  values: Record<string, unknown>,
): boolean {
  const attribute = (name: string) => (name.startsWith('#') ? (names[name] ?? name) : name);
  const notExists = /^attribute_not_exists\((.+)\)$/.exec(term);
  if (notExists) return item === undefined || !(attribute(notExists[1] ?? '') in item);
  const comparison = /^(\S+) (=|<=|>=|<|>) (\S+)$/.exec(term);
  if (!comparison) throw new Error(`fake state table: unsupported condition "${term}"`);
  const [, left = '', operator, right = ''] = comparison;
  const operand = (text: string): unknown => (text.startsWith(':') ? values[text] : item?.[attribute(text)]);
  const a = operand(left);
  const b = operand(right);
  if (a === undefined || b === undefined) return false;
  if (typeof a !== typeof b) return false;
  const x = a as string | number;
  const y = b as string | number;
  switch (operator) {
    case '=':
      return x === y;
    case '<=':
      return x <= y;
    case '>=':
      return x >= y;
    case '<':
      return x < y;
    default:
      return x > y;
  }
}
