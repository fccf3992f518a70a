/**
 * ServiceNow: `POST {instanceUrl}/api/now/table/incident` (Table API) with basic auth. The finding
 * id goes in `correlation_id` and `auditlake` in `correlation_display`, the fields ServiceNow keeps
 * for the id of the event in the system that raised it; urgency and impact follow the severity.
 */
import { z } from 'zod';
import type { Finding } from '../core/finding.ts';
import { basicAuth, type DeliveryOptions, parseJson, postJson } from './http-delivery.ts';
import type { TicketAdapter, TicketRef } from './ticket-adapter.ts';
import {
  SERVICENOW_URGENCY_IMPACT,
  serviceNowDescription,
  type TicketContentOptions,
  ticketSummary,
} from './ticket-content.ts';

/** The Secrets Manager secret for ServiceNow: `{"username": "...", "password": "..."}`. */
export const serviceNowSecretSchema = z.object({
  username: z.string().min(1),
  password: z.string().min(1),
});
export type ServiceNowSecret = z.infer<typeof serviceNowSecretSchema>;

export interface ServiceNowSettings {
  /** `https://your-instance.service-now.com` */
  readonly instanceUrl: string;
  /** Name or sys_id of the group the incident is assigned to. @default none (ServiceNow's rules decide) */
  readonly assignmentGroup?: string;
}

export interface ServiceNowIncidentRequest {
  readonly short_description: string;
  readonly description: string;
  readonly correlation_id: string;
  readonly correlation_display: string;
  readonly urgency: string;
  readonly impact: string;
  readonly assignment_group?: string;
}

export function serviceNowIncidentRequest(
  finding: Finding,
  settings: ServiceNowSettings,
  content: TicketContentOptions = {},
): ServiceNowIncidentRequest {
  return {
    short_description: ticketSummary(finding),
    description: serviceNowDescription(finding, content),
    correlation_id: finding.finding_id,
    correlation_display: 'auditlake',
    ...SERVICENOW_URGENCY_IMPACT[finding.severity],
    ...(settings.assignmentGroup === undefined ? {} : { assignment_group: settings.assignmentGroup }),
  };
}

const createdIncident = z.object({ result: z.object({ sys_id: z.string(), number: z.string() }) });

export class ServiceNowAdapter implements TicketAdapter {
  readonly provider = 'servicenow';

  constructor(
    private readonly settings: ServiceNowSettings,
    private readonly secret: ServiceNowSecret,
    private readonly delivery: DeliveryOptions,
    private readonly content: TicketContentOptions = {},
  ) {}

  async createTicket(finding: Finding): Promise<TicketRef> {
    const base = this.settings.instanceUrl.replace(/\/+$/, '');
    const authorization = basicAuth(this.secret.username, this.secret.password);
    const response = await postJson(
      {
        url: `${base}/api/now/table/incident`,
        body: JSON.stringify(serviceNowIncidentRequest(finding, this.settings, this.content)),
        headers: () => ({ authorization, accept: 'application/json' }),
      },
      this.delivery,
    );
    // Created: never fail now, a retry would open a second incident.
    const incident = createdIncident.safeParse(parseJson(response.body));
    if (!incident.success) return { provider: this.provider, id: 'unknown' };
    const { sys_id, number } = incident.data.result;
    return { provider: this.provider, id: number, url: `${base}/incident.do?sys_id=${sys_id}` };
  }
}
