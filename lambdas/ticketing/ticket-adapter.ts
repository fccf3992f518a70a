/**
 * A ticket system the ticketing Lambda files findings in. One adapter per provider; the Lambda
 * makes each call idempotent per finding id, so an adapter only has to create.
 */
import type { Finding } from '../core/finding.ts';

export const TICKETING_PROVIDERS = ['jira', 'servicenow', 'webhook'] as const;
export type TicketingProvider = (typeof TICKETING_PROVIDERS)[number];

/** What was created: stored as the idempotency record's result, so no evidence in here. */
export interface TicketRef {
  readonly provider: TicketingProvider;
  /** `SEC-123`, `INC0010001`, or what the webhook receiver answered (else the finding id). */
  readonly id: string;
  readonly url?: string;
}

export interface TicketAdapter {
  readonly provider: TicketingProvider;
  /** Creates the ticket; rejects with a `DeliveryError` saying whether a retry may succeed. */
  createTicket(finding: Finding): Promise<TicketRef>;
}
