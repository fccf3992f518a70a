/**
 * The AWS SDK clients of the detector Lambda, created once per execution environment on first
 * use (not at import, so tests and tools can import the handler without AWS configuration). The
 * region and credentials come from the Lambda environment through the SDK's own providers.
 */
import { AthenaClient } from '@aws-sdk/client-athena';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SNSClient } from '@aws-sdk/client-sns';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

export interface AwsClients {
  readonly athena: AthenaClient;
  readonly dynamo: DynamoDBDocumentClient;
  readonly sns: SNSClient;
  readonly s3: S3Client;
}

let clients: AwsClients | undefined;

export function awsClients(): AwsClients {
  clients ??= {
    athena: new AthenaClient({}),
    dynamo: DynamoDBDocumentClient.from(new DynamoDBClient({}), {
      marshallOptions: { removeUndefinedValues: true },
    }),
    sns: new SNSClient({}),
    s3: new S3Client({}),
  };
  return clients;
}
