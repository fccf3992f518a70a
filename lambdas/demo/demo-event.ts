/**
 * The demo's events as written to JSONL for ingest: the `audit_events` contract of
 * `core/audit-event.ts` with `event_time` as ISO-8601 text, the form any producer sends. The
 * generator builds `EventDraft`s (time as epoch ms, no id) and numbers them once they are in
 * time order.
 */
import type { AuditEvent } from '../core/audit-event.ts';

/** An audit event as a producer sends it: the contract, with `event_time` as ISO-8601 UTC text. */
export type DemoEvent = Omit<AuditEvent, 'event_time'> & {
  /** ISO-8601 UTC with milliseconds, e.g. `2026-01-02T03:04:05.678Z`. */
  readonly event_time: string;
};

export type EventDraft = Omit<DemoEvent, 'event_id' | 'event_time'> & {
  /** Epoch milliseconds (UTC). */
  readonly at: number;
};

/** Numbers a draft `evt-<seed>-<n>`, n counting from 1 in time order; fields in contract order. */
export function toDemoEvent(draft: EventDraft, seed: number, n: number): DemoEvent {
  return {
    event_id: `evt-${seed}-${n}`,
    event_time: new Date(draft.at).toISOString(),
    actor_id: draft.actor_id,
    actor_type: draft.actor_type,
    action: draft.action,
    resource_type: draft.resource_type,
    resource_id: draft.resource_id,
    record_count: draft.record_count,
    bytes: draft.bytes,
    source_system: draft.source_system,
    source_ip: draft.source_ip,
    device_id: draft.device_id,
    destination: draft.destination,
    outcome: draft.outcome,
    justification_id: draft.justification_id,
    details: draft.details,
  };
}
