/**
 * Reads the finding out of an SQS message body. The queue is subscribed to the findings topic;
 * without raw message delivery the body is the SNS envelope (`{"Type": "Notification", "Message":
 * "<finding JSON>", ...}`), with it the body is the finding JSON itself. Both are accepted.
 */
import { z } from 'zod';
import { SEVERITIES } from '../core/detector.ts';
import { AuditlakeError } from '../core/errors.ts';
import type { Finding } from '../core/finding.ts';

/** The message is not a finding: retrying cannot help, it ends in the dead-letter queue. */
export class FindingMessageError extends AuditlakeError {
  override readonly name = 'FindingMessageError';
}

const isoTime = z.iso.datetime({ offset: true });

const findingSchema = z.object({
  finding_id: z.string().regex(/^[\w-]{1,128}$/),
  detector_id: z.string().min(1),
  title: z.string(),
  severity: z.enum(SEVERITIES),
  actor_id: z.string().min(1),
  window_start: isoTime,
  window_end: isoTime,
  summary: z.string(),
  score: z.number().nullable(),
  first_seen: z.string().nullable(),
  last_seen: z.string().nullable(),
  event_count: z.number().nullable(),
  evidence: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])),
  detected_at: isoTime,
  runbook: z.string(),
  tags: z.array(z.string()),
  suppression: z.object({ reason: z.string(), owner: z.string(), expires: z.string() }).nullable(),
}) satisfies z.ZodType<Finding>;

const snsEnvelope = z.object({ Type: z.literal('Notification'), Message: z.string() });

export function parseFindingMessage(body: string): Finding {
  let json = parse(body, 'the message body');
  const envelope = snsEnvelope.safeParse(json);
  if (envelope.success) json = parse(envelope.data.Message, 'the SNS Message');
  const finding = findingSchema.safeParse(json);
  if (!finding.success) {
    // Paths and zod's messages only: the values are evidence.
    const problems = finding.error.issues.map(
      (issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`,
    );
    throw new FindingMessageError(`the message is not a finding: ${problems.slice(0, 5).join('; ')}`);
  }
  return finding.data;
}

function parse(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new FindingMessageError(`${what} is not JSON`);
  }
}
