/**
 * Where a flooded window's full list of findings goes: one JSON-lines object per detector window,
 * `<prefix>flooded/dt=YYYY-MM-DD/detector=<id>/<window-start>.jsonl`, most severe first. The key
 * depends only on the window, so a retry rewrites the same object and the summary finding keeps
 * pointing at the same place.
 */
import { s3Sdk } from '../aws/lazy-sdk.ts';
import { compareFindings, type Finding } from '../core/finding.ts';
import type { FindingArchive } from '../core/flood-control.ts';
import type { TimeWindow } from '../core/windows.ts';
import { findingsKey, jsonLinesObject, type S3FindingsLocation } from './s3-finding-history.ts';

export class S3FindingArchive implements FindingArchive {
  constructor(private readonly location: S3FindingsLocation) {}

  async write(detectorId: string, window: TimeWindow, findings: readonly Finding[]): Promise<string> {
    const key = findingsKey(this.location.prefix, 'flooded', detectorId, window.start.toISOString());
    const sorted = [...findings].sort(compareFindings);
    const { PutObjectCommand } = await s3Sdk();
    await this.location.client.send(new PutObjectCommand(jsonLinesObject(this.location, key, sorted)));
    return `s3://${this.location.bucket}/${key}`;
  }
}
