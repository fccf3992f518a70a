/**
 * The demo's events as written to JSONL for ingest: the `audit_events` contract of
 * `core/audit-event.ts` with `event_time` as ISO-8601 text, the form any producer sends. The
 * generator builds `EventDraft`s (time as epoch ms, no id) and numbers them once they are in
 * time order.
 */
import type { Action, ActorType, Outcome } from '../core/audit-event.ts';

export interface DemoEvent {
  readonly event_id: string;
  /** ISO-8601 UTC with milliseconds, e.g. `2026-01-02T03:04:05.678Z`. */
  readonly event_time: string;
  readonly actor_id: string;
  readonly actor_type: ActorType;
  readonly action: Action;
  readonly resource_type: string;
  readonly resource_id: string | null;
  /** 1 for one record (and for events about no record: a login, a config change); N for a search, list or export. */
  readonly record_count: number;
  readonly bytes: number | null;
  readonly source_system: string;
  readonly source_ip: string;
  readonly device_id: string;
  /** Where exported data went: usb, email_external, email_internal, web_upload:<domain>, printer, api. */
  readonly destination: string | null;
  readonly outcome: Outcome;
  /** Why the record was opened, e.g. the support ticket `TCK-123456`. */
  readonly justification_id: string | null;
  /** Extra facts as JSON text of an object. */
  readonly details: string | null;
}

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
