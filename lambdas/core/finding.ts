/**
 * Findings: one per result row of a detector. The output contract: `actor_id` and `summary` are
 * required; `severity`, `score`, `first_seen`, `last_seen` and `event_count` are optional; every
 * other scalar column becomes evidence.
 */
import { createHash } from 'node:crypto';
import type { Detector, Severity } from './detector.ts';
import { SEVERITIES } from './detector.ts';
import { OutputContractError } from './errors.ts';
import type { QueryColumn, SqlRow, SqlValue } from './ports.ts';
import type { TimeWindow } from './windows.ts';

export interface Finding {
  /** Stable across re-runs: hash of detector, actor and window. */
  readonly finding_id: string;
  readonly detector_id: string;
  readonly title: string;
  readonly severity: Severity;
  readonly actor_id: string;
  readonly window_start: string;
  readonly window_end: string;
  readonly summary: string;
  readonly score: number | null;
  readonly first_seen: string | null;
  readonly last_seen: string | null;
  readonly event_count: number | null;
  readonly evidence: Readonly<Record<string, SqlValue>>;
  readonly detected_at: string;
  readonly runbook: string;
  readonly tags: readonly string[];
  /**
   * Set when a suppression entry matched: the finding is still recorded (history sinks keep it)
   * but alerting sinks (terminal table, webhook, SNS) do not raise it.
   */
  readonly suppression: Suppression | null;
}

export interface Suppression {
  readonly reason: string;
  readonly owner: string;
  /** `YYYY-MM-DD`: the last day the entry applies. */
  readonly expires: string;
}

/** Alerting sinks raise only findings that no suppression entry matched. */
export function isAlerting(finding: Finding): boolean {
  return finding.suppression === null;
}

const REQUIRED = ['actor_id', 'summary'] as const;
const KNOWN = new Set<string>([...REQUIRED, 'severity', 'score', 'first_seen', 'last_seen', 'event_count']);

export function findingId(detectorId: string, actorId: string, window: TimeWindow): string {
  return createHash('sha256')
    .update(`${detectorId}\n${actorId}\n${window.start.toISOString()}\n${window.end.toISOString()}`)
    .digest('hex')
    .slice(0, 32);
}

/** The dedup key: the same detector flagging the same actor again within the dedup period is one finding. */
export function dedupKey(finding: Pick<Finding, 'detector_id' | 'actor_id'>): string {
  return `${finding.detector_id}#${finding.actor_id}`;
}

/** Checks the columns of a detector's result against the output contract before any row is read. */
export function checkOutputColumns(detector: Detector, columns: readonly QueryColumn[]): void {
  const names = new Set(columns.map((column) => column.name));
  const missing = REQUIRED.filter((name) => !names.has(name));
  if (missing.length > 0) {
    throw new OutputContractError(
      `${detector.id}: the query's result has no ${missing.join(' or ')} column; every detector must return actor_id and summary`,
    );
  }
}

export function toFinding(detector: Detector, window: TimeWindow, row: SqlRow, detectedAt: Date): Finding {
  const actorId = row.actor_id;
  const summary = row.summary;
  if (typeof actorId !== 'string' || actorId === '') {
    throw new OutputContractError(`${detector.id}: a result row has an empty or non-text actor_id`);
  }
  if (typeof summary !== 'string' || summary === '') {
    throw new OutputContractError(`${detector.id}: the row for ${actorId} has an empty or non-text summary`);
  }
  const evidence: Record<string, SqlValue> = {};
  for (const [name, value] of Object.entries(row)) if (!KNOWN.has(name)) evidence[name] = value;
  return {
    finding_id: findingId(detector.id, actorId, window),
    detector_id: detector.id,
    title: detector.title,
    severity: rowSeverity(detector, row.severity),
    actor_id: actorId,
    window_start: window.start.toISOString(),
    window_end: window.end.toISOString(),
    summary,
    score: optionalNumber(detector, 'score', row.score),
    first_seen: optionalText(row.first_seen),
    last_seen: optionalText(row.last_seen),
    event_count: optionalNumber(detector, 'event_count', row.event_count),
    evidence,
    detected_at: detectedAt.toISOString(),
    runbook: detector.runbook,
    tags: detector.tags,
    suppression: null,
  };
}

function rowSeverity(detector: Detector, value: SqlValue | undefined): Severity {
  if (value === undefined || value === null) return detector.severity;
  if (typeof value === 'string' && (SEVERITIES as readonly string[]).includes(value))
    return value as Severity;
  throw new OutputContractError(
    `${detector.id}: severity column holds ${JSON.stringify(value)}; expected one of ${SEVERITIES.join(', ')}`,
  );
}

function optionalNumber(detector: Detector, column: string, value: SqlValue | undefined): number | null {
  if (value === undefined || value === null) return null;
  const number = typeof value === 'string' ? Number(value) : value;
  if (typeof number !== 'number' || !Number.isFinite(number)) {
    throw new OutputContractError(
      `${detector.id}: ${column} column holds ${JSON.stringify(value)}; expected a number`,
    );
  }
  return number;
}

function optionalText(value: SqlValue | undefined): string | null {
  return value === undefined || value === null ? null : String(value);
}

const SEVERITY_RANK: Readonly<Record<Severity, number>> = {
  info: 0,
  low: 1,
  medium: 2,
  high: 3,
  critical: 4,
};

export function severityAtLeast(severity: Severity, minimum: Severity): boolean {
  return SEVERITY_RANK[severity] >= SEVERITY_RANK[minimum];
}

/** Most severe first, then oldest window, then actor: the order people read findings in. */
export function compareFindings(a: Finding, b: Finding): number {
  return (
    SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity] ||
    a.window_start.localeCompare(b.window_start) ||
    a.detector_id.localeCompare(b.detector_id) ||
    a.actor_id.localeCompare(b.actor_id)
  );
}
