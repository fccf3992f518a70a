/**
 * Flood control: a window with more findings than people can read (a broken baseline, a
 * mass-permission change) becomes one summary finding, and the full list goes to an archive.
 * Hundreds of emails would bury the one that matters.
 */
import type { Detector, Severity } from './detector.ts';
import { compareFindings, type Finding, findingId } from './finding.ts';
import type { TimeWindow } from './windows.ts';

/** Keeps the full list of a flooded window somewhere a person can read it (S3, a local file). */
export interface FindingArchive {
  /** Stores the findings and returns where they are, e.g. `s3://bucket/key` or a path. */
  write(detectorId: string, window: TimeWindow, findings: readonly Finding[]): Promise<string>;
}

export interface FloodControl {
  readonly maxFindingsPerWindow: number;
  readonly archive: FindingArchive;
}

/** The actor id of a summary finding: it stands for many actors. */
export const MANY_ACTORS = '*';

const SHOWN_ACTORS = 10;

export function floodSummary(
  detector: Detector,
  window: TimeWindow,
  findings: readonly Finding[],
  location: string,
  detectedAt: Date,
): Finding {
  const sorted = [...findings].sort(compareFindings);
  const severity: Severity = sorted[0]?.severity ?? detector.severity;
  const actors = sorted.map((finding) => finding.actor_id);
  return {
    finding_id: findingId(detector.id, MANY_ACTORS, window),
    detector_id: detector.id,
    title: detector.title,
    severity,
    actor_id: MANY_ACTORS,
    window_start: window.start.toISOString(),
    window_end: window.end.toISOString(),
    summary: `${findings.length} findings in one window, more than the limit for one alert; the full list is at ${location}`,
    score: null,
    first_seen: null,
    last_seen: null,
    event_count: null,
    evidence: {
      finding_count: findings.length,
      actors_shown: actors.slice(0, SHOWN_ACTORS).join(', '),
      full_list: location,
    },
    detected_at: detectedAt.toISOString(),
    runbook: `Many findings at once usually mean a data or baseline problem (a new source, a bulk job, a directory change) rather than many insiders. Check the full list at ${location}, then the detector's runbook: ${detector.runbook}`,
    tags: detector.tags,
    suppression: null,
  };
}
