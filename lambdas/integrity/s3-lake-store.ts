/**
 * A lake in S3 (`s3://bucket/prefix/`). Lists with pagination, hashes objects by streaming their
 * bodies, and creates digests with a conditional put (`If-None-Match: *`), so an existing key is
 * never replaced. Encryption and Object Lock retention come from the bucket's defaults.
 */
import { createHash } from 'node:crypto';
import { GetObjectCommand, PutObjectCommand, paginateListObjectsV2, type S3Client } from '@aws-sdk/client-s3';
import type { LakeObject } from './chain-check.ts';
import type { LakeStore, S3LakeLocation } from './lake-store.ts';

export class S3LakeStore implements LakeStore {
  readonly location: string;

  constructor(
    private readonly client: S3Client,
    private readonly lake: S3LakeLocation,
  ) {
    this.location = `s3://${lake.bucket}/${lake.prefix}`;
  }

  async list(prefix: string): Promise<LakeObject[]> {
    const objects: LakeObject[] = [];
    const pages = paginateListObjectsV2(
      { client: this.client },
      { Bucket: this.lake.bucket, Prefix: `${this.lake.prefix}${prefix}` },
    );
    for await (const page of pages) {
      for (const object of page.Contents ?? []) {
        // Empty "folder" placeholders are not files of the lake; a key ending in / with content is.
        if (!object.Key || (object.Key.endsWith('/') && !object.Size)) continue;
        objects.push({
          path: object.Key.slice(this.lake.prefix.length),
          bytes: object.Size ?? 0,
          modified: object.LastModified ?? new Date(0),
        });
      }
    }
    return objects;
  }

  async read(path: string): Promise<Uint8Array> {
    const body = await this.body(path);
    return body.transformToByteArray();
  }

  async sha256(path: string): Promise<string> {
    const body = await this.body(path);
    const hash = createHash('sha256');
    for await (const chunk of body as AsyncIterable<Uint8Array>) hash.update(chunk);
    return hash.digest('hex');
  }

  async create(path: string, body: string): Promise<void> {
    await this.client.send(
      new PutObjectCommand({
        Bucket: this.lake.bucket,
        Key: `${this.lake.prefix}${path}`,
        Body: body,
        ContentType: 'application/json',
        IfNoneMatch: '*',
        // Object Lock buckets require an integrity checksum on every put.
        ChecksumAlgorithm: 'SHA256',
      }),
    );
  }

  private async body(path: string) {
    const response = await this.client.send(
      new GetObjectCommand({ Bucket: this.lake.bucket, Key: `${this.lake.prefix}${path}` }),
    );
    if (!response.Body) throw new Error(`s3://${this.lake.bucket}/${this.lake.prefix}${path} has no body`);
    return response.Body;
  }
}
