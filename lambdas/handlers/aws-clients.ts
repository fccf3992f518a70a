/**
 * The AWS SDK clients of the detector Lambda, created once per execution environment on first
 * use (not at import, so tests and tools can import the handler without AWS configuration). The
 * region and credentials come from the Lambda environment through the SDK's own providers.
 *
 * Athena and DynamoDB serve every run. S3 and SNS serve only runs that build rollups or find
 * something, which most hourly runs do not, and their SDK packages are the costliest to load, so
 * they are imported on first use instead of at cold start.
 */
import { AthenaClient } from '@aws-sdk/client-athena';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { S3Client } from '@aws-sdk/client-s3';
import type { SNSClient } from '@aws-sdk/client-sns';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { s3Sdk, snsSdk } from '../aws/lazy-sdk.ts';

export interface AwsClients {
  readonly athena: AthenaClient;
  readonly dynamo: DynamoDBDocumentClient;
  /** Loads the SDK package and makes the client on the first call; the same client after. */
  readonly s3: () => Promise<S3Client>;
  readonly sns: () => Promise<SNSClient>;
}

let clients: AwsClients | undefined;

export function awsClients(): AwsClients {
  clients ??= {
    athena: new AthenaClient({}),
    dynamo: DynamoDBDocumentClient.from(new DynamoDBClient({}), {
      marshallOptions: { removeUndefinedValues: true },
    }),
    s3: loadOnce(async () => new (await s3Sdk()).S3Client({})),
    sns: loadOnce(async () => new (await snsSdk()).SNSClient({})),
  };
  return clients;
}

/** `load` run on the first call and its result shared; a failed load is tried again on the next call. */
export function loadOnce<T>(load: () => Promise<T>): () => Promise<T> {
  let loaded: Promise<T> | undefined;
  return () => {
    loaded ??= load().catch((error: unknown) => {
      loaded = undefined;
      throw error;
    });
    return loaded;
  };
}
