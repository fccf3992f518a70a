/**
 * The audit trail of suppressions: every finding a suppression entry muted is logged with the
 * entry that muted it, so muting a detector for a colleague is itself visible (in the CLI's output,
 * in the Lambda's CloudWatch logs, and to the audit-lake-tampering detector's reviewers). The log
 * names ids, the detector, the window and the entry's owner, reason and expiry; never the summary
 * or evidence.
 */
import type { Finding } from '../core/finding.ts';
import type { FindingSink } from '../core/ports.ts';

/** One applied suppression: which entry muted which finding. */
export interface AppliedSuppression {
  readonly findingId: string;
  readonly detector: string;
  readonly actor: string;
  readonly windowStart: string;
  readonly owner: string;
  readonly reason: string;
  readonly expires: string;
}

/** The applied suppressions among `findings`, one per muted finding. */
export function appliedSuppressions(findings: readonly Finding[]): AppliedSuppression[] {
  return findings.flatMap((finding) =>
    finding.suppression === null
      ? []
      : [
          {
            findingId: finding.finding_id,
            detector: finding.detector_id,
            actor: finding.actor_id,
            windowStart: finding.window_start,
            owner: finding.suppression.owner,
            reason: finding.suppression.reason,
            expires: finding.suppression.expires,
          },
        ],
  );
}

/** `suppression applied: finding 5c0d… (off-hours-export, emp-0042, window …) muted by secops until 2026-12-31: <reason>` */
export function formatAppliedSuppression(entry: AppliedSuppression): string {
  return (
    `suppression applied: finding ${entry.findingId} (${entry.detector}, ${entry.actor}, window ${entry.windowStart}) ` +
    `muted by ${entry.owner} until ${entry.expires}: ${oneLine(entry.reason)}`
  );
}

export class SuppressionLogSink implements FindingSink {
  readonly name = 'suppression-log';

  constructor(private readonly record: (entry: AppliedSuppression) => void) {}

  async publish(findings: readonly Finding[]): Promise<void> {
    for (const entry of appliedSuppressions(findings)) this.record(entry);
  }
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
