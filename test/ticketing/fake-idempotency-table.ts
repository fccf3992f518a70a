import {
  type AttributeValue,
  ConditionalCheckFailedException,
  DeleteItemCommand,
  type DeleteItemCommandInput,
  DynamoDBClient,
  GetItemCommand,
  type GetItemCommandInput,
  PutItemCommand,
  type PutItemCommandInput,
  UpdateItemCommand,
  type UpdateItemCommandInput,
} from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';

type Item = Record<string, AttributeValue>;

/**
 * The idempotency table in memory, behind aws-sdk-client-mock: enough of PutItem's condition
 * (key absent, or expired, or an expired in-progress claim), UpdateItem's `SET a = :a, ...`,
 * GetItem and DeleteItem for Powertools' DynamoDBPersistenceLayer.
 */
export function fakeIdempotencyTable() {
  const items = new Map<string, Item>();
  const dynamo = mockClient(DynamoDBClient);
  const keyOf = (key: Item | undefined) => key?.id?.S ?? '';

  dynamo.on(PutItemCommand).callsFake((input: PutItemCommandInput) => {
    const item = input.Item ?? {};
    const existing = items.get(keyOf(item));
    const nowSeconds = Date.now() / 1000;
    const expired = existing !== undefined && Number(existing.expiration?.N ?? 0) < nowSeconds;
    const claimExpired =
      existing?.status?.S === 'INPROGRESS' &&
      existing.in_progress_expiration !== undefined &&
      Number(existing.in_progress_expiration.N) < Date.now();
    if (existing !== undefined && !expired && !claimExpired) {
      throw new ConditionalCheckFailedException({
        message: 'The conditional request failed',
        $metadata: {},
        Item: existing,
      });
    }
    items.set(keyOf(item), item);
    return {};
  });
  dynamo.on(UpdateItemCommand).callsFake((input: UpdateItemCommandInput) => {
    const item = { ...items.get(keyOf(input.Key)) };
    for (const assignment of (input.UpdateExpression ?? '').replace(/^SET /, '').split(', ')) {
      const [name, value] = assignment.split(' = ');
      const attribute = input.ExpressionAttributeNames?.[name ?? ''];
      const attributeValue = input.ExpressionAttributeValues?.[value ?? ''];
      if (attribute !== undefined && attributeValue !== undefined) item[attribute] = attributeValue;
    }
    items.set(keyOf(input.Key), item);
    return {};
  });
  dynamo
    .on(GetItemCommand)
    .callsFake((input: GetItemCommandInput) => ({ Item: items.get(keyOf(input.Key)) }));
  dynamo.on(DeleteItemCommand).callsFake((input: DeleteItemCommandInput) => {
    items.delete(keyOf(input.Key));
    return {};
  });
  return { dynamo, items };
}
