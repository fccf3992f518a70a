/**
 * Jira Cloud: `POST {baseUrl}/rest/api/3/issue` with basic auth (account email and API token),
 * the description in Atlassian Document Format, labels `auditlake` and `finding-<id>` so every
 * ticket of a finding can be found, and a priority from the severity.
 */
import { z } from 'zod';
import type { Finding } from '../core/finding.ts';
import { basicAuth, type DeliveryOptions, parseJson, postJson } from './http-delivery.ts';
import type { TicketAdapter, TicketRef } from './ticket-adapter.ts';
import {
  type AdfDocument,
  JIRA_PRIORITIES,
  jiraDescription,
  jiraLabels,
  type TicketContentOptions,
  ticketSummary,
} from './ticket-content.ts';

/** The Secrets Manager secret for Jira: `{"email": "...", "apiToken": "..."}`. */
export const jiraSecretSchema = z.object({
  email: z.string().min(3),
  apiToken: z.string().min(1),
});
export type JiraSecret = z.infer<typeof jiraSecretSchema>;

export interface JiraSettings {
  /** `https://your-site.atlassian.net` */
  readonly baseUrl: string;
  readonly projectKey: string;
  /** @default 'Task' */
  readonly issueType: string;
  /** Off for projects whose create screen has no Priority field (Jira rejects the request). @default true */
  readonly setPriority: boolean;
}

export interface JiraIssueRequest {
  readonly fields: {
    readonly project: { readonly key: string };
    readonly issuetype: { readonly name: string };
    readonly summary: string;
    readonly description: AdfDocument;
    readonly labels: readonly string[];
    readonly priority?: { readonly name: string };
  };
}

export function jiraIssueRequest(
  finding: Finding,
  settings: JiraSettings,
  content: TicketContentOptions = {},
): JiraIssueRequest {
  return {
    fields: {
      project: { key: settings.projectKey },
      issuetype: { name: settings.issueType },
      summary: ticketSummary(finding),
      description: jiraDescription(finding, content),
      labels: jiraLabels(finding),
      ...(settings.setPriority ? { priority: { name: JIRA_PRIORITIES[finding.severity] } } : {}),
    },
  };
}

const createdIssue = z.object({ id: z.string(), key: z.string() });

export class JiraAdapter implements TicketAdapter {
  readonly provider = 'jira';

  constructor(
    private readonly settings: JiraSettings,
    private readonly secret: JiraSecret,
    private readonly delivery: DeliveryOptions,
    private readonly content: TicketContentOptions = {},
  ) {}

  async createTicket(finding: Finding): Promise<TicketRef> {
    const base = this.settings.baseUrl.replace(/\/+$/, '');
    const authorization = basicAuth(this.secret.email, this.secret.apiToken);
    const response = await postJson(
      {
        url: `${base}/rest/api/3/issue`,
        body: JSON.stringify(jiraIssueRequest(finding, this.settings, this.content)),
        headers: () => ({ authorization, accept: 'application/json' }),
      },
      this.delivery,
    );
    // Created: never fail now, a retry would file a second issue.
    const issue = createdIssue.safeParse(parseJson(response.body));
    if (!issue.success) return { provider: this.provider, id: 'unknown' };
    return { provider: this.provider, id: issue.data.key, url: `${base}/browse/${issue.data.key}` };
  }
}
