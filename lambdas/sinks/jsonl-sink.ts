/** Appends each finding as one JSON line; the file is the local findings history. */
import { appendFile, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Finding } from '../core/finding.ts';
import type { FindingSink } from '../core/ports.ts';

export class JsonlSink implements FindingSink {
  readonly name = 'jsonl';

  constructor(readonly path: string) {}

  async publish(findings: readonly Finding[]): Promise<void> {
    await mkdir(dirname(this.path), { recursive: true });
    await appendFile(this.path, findings.map((finding) => `${JSON.stringify(finding)}\n`).join(''));
  }
}
