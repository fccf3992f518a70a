/**
 * A generic webhook as the ticket system: POSTs the finding JSON (evidence redacted as in alerts),
 * signed exactly like the webhook sink (`webhook-signature.ts`), with the finding id as
 * `Idempotency-Key`. A receiver that answers `{"id": "...", "url": "..."}` has its ticket recorded.
 */
import { z } from 'zod';
import { alertFinding } from '../core/alert-message.ts';
import type { Finding } from '../core/finding.ts';
import { type DeliveryOptions, parseJson, postJson } from './http-delivery.ts';
import type { TicketAdapter, TicketRef } from './ticket-adapter.ts';
import { checkWebhookTarget, MIN_SECRET_LENGTH, signedHeaders } from './webhook-signature.ts';

/**
 * The Secrets Manager secret for the webhook: `{"url": "https://...", "secret": "..."}`. The URL is
 * secret too: such endpoints often carry a token in the path or query.
 */
export const webhookSecretSchema = z.object({
  url: z.url({ protocol: /^https?$/ }),
  secret: z.string().min(MIN_SECRET_LENGTH),
});
export type WebhookSecret = z.infer<typeof webhookSecretSchema>;

const receipt = z.object({ id: z.union([z.string(), z.number()]), url: z.string().optional() });

export class WebhookAdapter implements TicketAdapter {
  readonly provider = 'webhook';

  constructor(
    private readonly secret: WebhookSecret,
    private readonly delivery: DeliveryOptions,
  ) {
    checkWebhookTarget(secret.url, secret.secret);
  }

  async createTicket(finding: Finding): Promise<TicketRef> {
    const { url, secret } = this.secret;
    const clock = this.delivery.clock ?? (() => new Date());
    const body = JSON.stringify(alertFinding(finding));
    const response = await postJson(
      { url, body, headers: () => signedHeaders(secret, body, finding.finding_id, clock()) },
      this.delivery,
    );
    const answer = receipt.safeParse(parseJson(response.body));
    if (!answer.success) return { provider: this.provider, id: finding.finding_id };
    const { id, url: ticketUrl } = answer.data;
    return {
      provider: this.provider,
      id: String(id),
      ...(ticketUrl === undefined ? {} : { url: ticketUrl }),
    };
  }
}
