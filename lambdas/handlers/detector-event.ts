/**
 * What starts the detector Lambda: EventBridge Scheduler sends `{ "detector": "<id>" }` on the
 * detector's schedule (an incremental run from its watermark); a person backfills a range with
 * `{ "detector": "<id>", "from": ISO, "to": ISO }`, which leaves the watermark alone.
 */
import { z } from 'zod';
import { ConfigError } from '../core/errors.ts';

const DETECTOR_ID = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;
const instant = z.iso.datetime({
  offset: true,
  error: 'expected an ISO-8601 time like 2026-01-01T00:00:00Z',
});

const eventSchema = z
  .strictObject({
    detector: z
      .string({ error: 'expected a detector id' })
      .regex(DETECTOR_ID, 'expected a detector id like off-hours-export'),
    from: instant.optional(),
    to: instant.optional(),
  })
  .refine((event) => (event.from === undefined) === (event.to === undefined), {
    message: 'a backfill needs both from and to',
    path: ['to'],
  })
  .refine((event) => !event.from || !event.to || Date.parse(event.from) < Date.parse(event.to), {
    message: 'from must be before to',
    path: ['from'],
  });

export interface DetectorEvent {
  readonly detector: string;
  /** Present for a backfill: every window inside [from, to). */
  readonly backfill?: { readonly from: Date; readonly to: Date };
}

/** Validates the invocation's event; a `ConfigError` names the field and what was expected. */
export function parseDetectorEvent(event: unknown): DetectorEvent {
  const parsed = eventSchema.safeParse(event);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue?.path.join('.') || 'event';
    const problem =
      issue?.code === 'unrecognized_keys'
        ? `unknown field(s) ${issue.keys.join(', ')}`
        : issue?.code === 'invalid_type' && issue.input === undefined
          ? 'is required'
          : (issue?.message ?? 'is invalid');
    throw new ConfigError(
      `invalid detector event: ${field}: ${problem} (expected {"detector": "<id>"} or {"detector": "<id>", "from": ISO, "to": ISO})`,
    );
  }
  const { detector, from, to } = parsed.data;
  return from && to ? { detector, backfill: { from: new Date(from), to: new Date(to) } } : { detector };
}
