/** Reads a findings JSONL file (as the JSONL sink writes it) back into findings. */
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { SEVERITIES } from '../core/detector.ts';
import { AuditlakeError } from '../core/errors.ts';
import type { Finding } from '../core/finding.ts';

const sqlValue = z.union([z.string(), z.number(), z.boolean(), z.null()]);

const findingSchema = z.object({
  finding_id: z.string().min(1),
  detector_id: z.string().min(1),
  title: z.string(),
  severity: z.enum(SEVERITIES),
  actor_id: z.string().min(1),
  window_start: z.iso.datetime(),
  window_end: z.iso.datetime(),
  summary: z.string(),
  score: z.number().nullable().default(null),
  first_seen: z.string().nullable().default(null),
  last_seen: z.string().nullable().default(null),
  event_count: z.number().nullable().default(null),
  evidence: z.record(z.string(), sqlValue).default({}),
  detected_at: z.string(),
  runbook: z.string().default(''),
  tags: z.array(z.string()).default([]),
  suppression: z
    .object({ reason: z.string(), owner: z.string(), expires: z.string() })
    .nullable()
    .default(null),
});

export function parseFindingsJsonl(file: string, text: string): Finding[] {
  const findings: Finding[] = [];
  text.split('\n').forEach((line, index) => {
    if (line.trim() === '') return;
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch {
      throw new AuditlakeError(`${file}:${index + 1}: not a JSON line`);
    }
    const parsed = findingSchema.safeParse(json);
    if (!parsed.success) {
      const [issue] = parsed.error.issues;
      throw new AuditlakeError(
        `${file}:${index + 1}: not a finding (${issue?.path.join('.') || 'line'}: ${issue?.message ?? 'invalid'})`,
      );
    }
    findings.push(parsed.data);
  });
  return findings;
}

export async function readFindingsFile(file: string): Promise<Finding[]> {
  const text = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
    throw new AuditlakeError(`cannot read findings file ${file}: ${error.code ?? error.message}`);
  });
  return parseFindingsJsonl(file, text);
}
