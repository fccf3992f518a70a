/**
 * What a ticket says about a finding, per provider, from the same sections as the alert email so
 * an analyst reads the same facts wherever the finding reaches them. Pure: the adapters send it.
 * Evidence is redacted and cut exactly as in the email (`alertEvidence`).
 */
import {
  type AlertSection,
  alertEvidence,
  alertFinding,
  alertSections,
  alertSubject,
  alertText,
  TRUNCATED,
} from '../core/alert-message.ts';
import type { Severity } from '../core/detector.ts';
import type { Finding } from '../core/finding.ts';

export interface TicketContentOptions {
  /** Region of the Athena console linked from the ticket. @default no link */
  readonly consoleRegion?: string;
}

/** Value caps for tickets: shorter than in email, a ticket is read on a screen. */
const TICKET_VALUE_CAP = 500;
/** ServiceNow's `description` field holds 4000 characters by default. */
export const SERVICENOW_DESCRIPTION_LIMIT = 4000;

/** `[HIGH] <title> - <actor>`: fits Jira's 255 and ServiceNow's 160 character summaries. */
export function ticketSummary(finding: Finding): string {
  return alertSubject(finding);
}

export function ticketSections(finding: Finding, options: TicketContentOptions = {}): AlertSection[] {
  const evidence = alertEvidence(finding.evidence, TICKET_VALUE_CAP);
  return alertSections(alertFinding(finding, evidence), evidence, options);
}

// --- Jira Cloud -------------------------------------------------------------------------------

export const JIRA_PRIORITIES: Readonly<Record<Severity, string>> = {
  critical: 'Highest',
  high: 'High',
  medium: 'Medium',
  low: 'Low',
  info: 'Lowest',
};

/** An Atlassian Document Format node (only the few kinds we write). */
export interface AdfNode {
  readonly type: string;
  readonly attrs?: Readonly<Record<string, string | number>>;
  readonly content?: readonly AdfNode[];
  readonly text?: string;
  readonly marks?: readonly { readonly type: string; readonly attrs?: Readonly<Record<string, string>> }[];
}

export interface AdfDocument {
  readonly type: 'doc';
  readonly version: 1;
  readonly content: readonly AdfNode[];
}

/** The issue description: a heading per section, facts as bullet lists, the query as an SQL code block. */
export function jiraDescription(finding: Finding, options: TicketContentOptions = {}): AdfDocument {
  const content: AdfNode[] = [paragraph(`${finding.severity.toUpperCase()} finding: ${finding.title}`)];
  for (const section of ticketSections(finding, options)) {
    content.push({ type: 'heading', attrs: { level: 3 }, content: [text(section.heading)] });
    if (section.lines !== undefined && section.lines.length > 0) {
      content.push({
        type: 'bulletList',
        content: section.lines.map((line) => ({ type: 'listItem', content: [paragraph(line)] })),
      });
    }
    if (section.text !== undefined) content.push(paragraph(section.text));
    if (section.code !== undefined) {
      content.push({ type: 'codeBlock', attrs: { language: 'sql' }, content: [text(section.code)] });
    }
    if (section.link !== undefined) {
      content.push({
        type: 'paragraph',
        content: [
          { ...text(section.link.text), marks: [{ type: 'link', attrs: { href: section.link.url } }] },
        ],
      });
    }
  }
  return { type: 'doc', version: 1, content };
}

/** Jira labels cannot hold spaces; ours let people find every ticket of a finding or detector. */
export function jiraLabels(finding: Finding): string[] {
  const label = (value: string) => value.trim().replace(/\s+/g, '-').slice(0, 255);
  return [
    'auditlake',
    `finding-${finding.finding_id}`,
    `detector-${label(finding.detector_id)}`,
    ...finding.tags.map(label).filter((tag) => tag !== ''),
  ];
}

function paragraph(value: string): AdfNode {
  // ADF text nodes must not be empty.
  return { type: 'paragraph', content: value === '' ? [] : [text(value)] };
}

function text(value: string): AdfNode {
  return { type: 'text', text: value };
}

// --- ServiceNow -------------------------------------------------------------------------------

/**
 * Urgency and impact (1 high … 3 low) chosen so ServiceNow's default priority matrix gives
 * critical → P1, high → P2, medium → P3, low → P4, info → P5.
 */
export const SERVICENOW_URGENCY_IMPACT: Readonly<Record<Severity, { urgency: string; impact: string }>> = {
  critical: { urgency: '1', impact: '1' },
  high: { urgency: '1', impact: '2' },
  medium: { urgency: '2', impact: '2' },
  low: { urgency: '2', impact: '3' },
  info: { urgency: '3', impact: '3' },
};

/** The incident description: the alert text, cut to the field's 4000 characters. */
export function serviceNowDescription(finding: Finding, options: TicketContentOptions = {}): string {
  const description = alertText(finding, ticketSections(finding, options));
  if (description.length <= SERVICENOW_DESCRIPTION_LIMIT) return description;
  const marker = `\n${TRUNCATED}\n`;
  return description.slice(0, SERVICENOW_DESCRIPTION_LIMIT - marker.length) + marker;
}
