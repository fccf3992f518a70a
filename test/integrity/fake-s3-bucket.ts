/**
 * An S3 bucket in memory behind aws-sdk-client-mock: ListObjectsV2 in pages of two (so pagination
 * is exercised), GetObject with a streaming body, PutObject honouring `If-None-Match: *`.
 */
import { Readable } from 'node:stream';
import {
  GetObjectCommand,
  type GetObjectCommandOutput,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';

export interface FakeObject {
  body: Buffer;
  modified: Date;
}

export interface FakeBucket {
  readonly name: string;
  readonly objects: Map<string, FakeObject>;
  /** LastModified of objects put from now on. */
  clock: Date;
  put(key: string, body: string | Buffer, modified?: Date): void;
  text(key: string): string;
  /** Keys under `prefix`, sorted. */
  keys(prefix?: string): string[];
}

export const s3Mock = mockClient(S3Client);

export function fakeBucket(name = 'lake-bucket', pageSize = 2): FakeBucket {
  const objects = new Map<string, FakeObject>();
  const bucket: FakeBucket = {
    name,
    objects,
    clock: new Date('2026-11-28T10:00:00Z'),
    put(key, body, modified) {
      objects.set(key, { body: Buffer.from(body), modified: modified ?? bucket.clock });
    },
    text: (key) => objects.get(key)?.body.toString('utf8') ?? '',
    keys: (prefix = '') => [...objects.keys()].filter((key) => key.startsWith(prefix)).sort(),
  };
  s3Mock.reset();
  s3Mock.on(ListObjectsV2Command).callsFake(async (input) => {
    expectBucket(input.Bucket, name);
    const all = bucket.keys(input.Prefix ?? '');
    const start = input.ContinuationToken ? all.indexOf(input.ContinuationToken) + 1 : 0;
    const page = all.slice(start, start + pageSize);
    const truncated = start + pageSize < all.length;
    return {
      Contents: page.map((key) => {
        const object = objects.get(key);
        return { Key: key, Size: object?.body.length ?? 0, LastModified: object?.modified ?? new Date(0) };
      }),
      IsTruncated: truncated,
      ...(truncated ? { NextContinuationToken: page.at(-1) } : {}),
    };
  });
  s3Mock.on(GetObjectCommand).callsFake(async (input) => {
    expectBucket(input.Bucket, name);
    const object = objects.get(input.Key ?? '');
    if (!object) throw Object.assign(new Error('The specified key does not exist.'), { name: 'NoSuchKey' });
    return { Body: streamingBody(object.body) };
  });
  s3Mock.on(PutObjectCommand).callsFake(async (input) => {
    expectBucket(input.Bucket, name);
    const key = input.Key ?? '';
    if (input.IfNoneMatch === '*' && objects.has(key)) {
      throw Object.assign(new Error('At least one of the pre-conditions you specified did not hold'), {
        name: 'PreconditionFailed',
      });
    }
    bucket.put(key, String(input.Body));
    return {};
  });
  return bucket;
}

/** A Node stream with the SDK's helpers, as GetObject returns in Node. */
function streamingBody(bytes: Buffer): GetObjectCommandOutput['Body'] {
  const stream = Object.assign(Readable.from([bytes]), {
    transformToByteArray: async () => new Uint8Array(bytes),
    transformToString: async () => bytes.toString('utf8'),
    transformToWebStream: () => {
      throw new Error('not used by auditlake');
    },
  });
  return stream as unknown as GetObjectCommandOutput['Body'];
}

function expectBucket(actual: string | undefined, expected: string): void {
  if (actual !== expected) throw new Error(`request for bucket ${actual}, expected ${expected}`);
}
