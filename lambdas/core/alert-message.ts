/**
 * What a person receives about a finding: an SNS subject, a plain-text email body they can act on
 * (who, what, when, how much, why it matters, the runbook, a query to investigate) and the finding
 * as JSON for machines (queues, the ticketing Lambda). Pure: no AWS SDK, so the same text is used
 * by the SNS sink, the ticket adapters and the tests that keep docs/alerts.md honest.
 *
 * Alerts leave the security team's hands (mailboxes, ticket systems), so evidence columns whose
 * names look like customer personal data are dropped, long values are cut, and the whole SNS
 * message is kept under the 256 KB limit; every cut is marked `[truncated]` where people read it.
 */
import { SEVERITIES, type Severity } from './detector.ts';
import { AuditlakeError } from './errors.ts';
import type { Finding } from './finding.ts';
import type { SqlValue } from './ports.ts';

/** SNS's limit for one message, body and attributes together (PublishBatch: for the whole batch too). */
export const SNS_MESSAGE_LIMIT_BYTES = 262_144;

/** SNS subjects must be less than 100 characters. */
export const SUBJECT_MAX_LENGTH = 99;

export const TRUNCATED = '[truncated]';
const CUT_SUFFIX = `… ${TRUNCATED}`;

/** Key of the evidence entry that says how many fields were left out to fit the size limit. */
export const TRUNCATED_FIELDS_KEY = '_truncated';

export interface AlertMessage {
  /** ASCII, one line, at most 99 characters: SNS rejects anything else. */
  readonly subject: string;
  /** Plain-text body for email subscribers. */
  readonly email: string;
  /** The finding as JSON, evidence redacted and possibly truncated, for queues and Lambdas. */
  readonly json: string;
}

/**
 * The investigation report of the finding's window, as the alert names it: where it was written
 * (the S3 object, linked through the console, never a presigned URL), or that it could not be.
 */
export type ReportStatus =
  | { readonly written: true; readonly bucket: string; readonly key: string }
  | { readonly written: false };

export interface AlertMessageOptions {
  /** Region of the Athena and S3 consoles the email links to; no links when absent. */
  readonly consoleRegion?: string;
  /** The window's investigation report; no report section when absent (no report is built). */
  readonly report?: ReportStatus;
  /**
   * Upper bound for the SNS message built by `snsMessageBody`, in UTF-8 bytes.
   * @default 258048 (256 KiB less 4 KiB for the subject and message attributes)
   */
  readonly maxBytes?: number;
}

export interface EvidenceItem {
  readonly name: string;
  /** `distinct_records` → `Distinct records`. */
  readonly label: string;
  readonly value: SqlValue;
}

/** Evidence as it may leave the pipeline: PII-looking fields dropped, long values cut. */
export interface AlertEvidence {
  readonly items: readonly EvidenceItem[];
  /** Names of the fields dropped because they look like customer personal data. */
  readonly dropped: readonly string[];
  /** Fields left out (at the end) to keep the message within the size limit. */
  readonly omitted: number;
}

const DEFAULT_MAX_BYTES = SNS_MESSAGE_LIMIT_BYTES - 4096;
/** Per-value caps (characters) tried in turn until the message fits. */
const VALUE_CAPS = [1000, 200, 40] as const;
const SUMMARY_CAP = 2000;
const RUNBOOK_CAP = 8000;

const PII_NAME = /(^|_)(name|email|phone|address|ssn|dob)(_|$)/i;
const OWN_FIELD = /^(employee|actor)/i;

/** True for evidence names that look like customer PII (`customer_email`) but not the employee's own. */
export function looksLikeCustomerPii(name: string): boolean {
  return PII_NAME.test(name) && !OWN_FIELD.test(name);
}

/** `info` 0 … `critical` 4, for SNS filter policies with numeric conditions. */
export function severityRank(severity: Severity): number {
  return SEVERITIES.indexOf(severity);
}

/** Builds subject, email body and JSON, cutting evidence until the SNS message fits `maxBytes`. */
export function buildAlertMessage(finding: Finding, options: AlertMessageOptions = {}): AlertMessage {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  const fits = (message: AlertMessage) => byteLength(snsMessageBody(message)) <= maxBytes;
  for (const cap of VALUE_CAPS) {
    const message = render(finding, alertEvidence(finding.evidence, cap), options);
    if (fits(message)) return message;
  }
  // Even short values do not fit: keep the most leading fields that do (size grows with the count).
  const evidence = alertEvidence(finding.evidence, Math.min(...VALUE_CAPS));
  const all = evidence.items;
  const withFirst = (keep: number) =>
    render(finding, { ...evidence, items: all.slice(0, keep), omitted: all.length - keep }, options);
  let low = 0;
  let high = all.length - 1;
  while (low < high) {
    const middle = Math.ceil((low + high) / 2);
    if (fits(withFirst(middle))) low = middle;
    else high = middle - 1;
  }
  const message = withFirst(low);
  if (fits(message)) return message;
  throw new AuditlakeError(
    `finding ${finding.finding_id}: the alert does not fit in ${maxBytes} bytes even without evidence`,
  );
}

/** The `MessageStructure: 'json'` body: one text per subscription protocol. */
export function snsMessageBody(message: AlertMessage): string {
  return JSON.stringify({
    default: message.json,
    email: message.email,
    sqs: message.json,
    lambda: message.json,
  });
}

/** Evidence fit for an alert: PII-looking fields dropped, strings longer than `cap` characters cut. */
export function alertEvidence(evidence: Finding['evidence'], cap: number = VALUE_CAPS[0]): AlertEvidence {
  const items: EvidenceItem[] = [];
  const dropped: string[] = [];
  for (const [name, value] of Object.entries(evidence)) {
    if (looksLikeCustomerPii(name)) dropped.push(name);
    else items.push({ name, label: readableLabel(name), value: truncateValue(value, cap) });
  }
  return { items, dropped, omitted: 0 };
}

/** The finding as it may leave the pipeline: redacted evidence, capped summary and runbook. */
export function alertFinding(finding: Finding, evidence = alertEvidence(finding.evidence)): Finding {
  const fields: Record<string, SqlValue> = {};
  for (const item of evidence.items) fields[item.name] = item.value;
  if (evidence.omitted > 0) {
    fields[TRUNCATED_FIELDS_KEY] =
      `${TRUNCATED} ${evidence.omitted} more evidence fields left out to fit the SNS message size limit`;
  }
  return {
    ...finding,
    summary: truncateText(finding.summary, SUMMARY_CAP),
    runbook: truncateText(finding.runbook, RUNBOOK_CAP),
    evidence: fields,
  };
}

/** `[HIGH] <title> - <actor>`: ASCII, no line breaks, under 100 characters; the title gives way first. */
export function alertSubject(finding: Pick<Finding, 'severity' | 'title' | 'actor_id'>): string {
  const prefix = `[${finding.severity.toUpperCase()}] `;
  const actor = shorten(asciiLine(finding.actor_id), 40);
  const suffix = ` - ${actor}`;
  const title = shorten(asciiLine(finding.title), SUBJECT_MAX_LENGTH - prefix.length - suffix.length);
  return `${prefix}${title}${suffix}`;
}

const QUERY_COLUMNS =
  'event_time, action, resource_type, resource_id, record_count, bytes,\n' +
  '       source_system, destination, device_id, source_ip, outcome, justification_id';

/**
 * An Athena query a person can paste to see the actor's events around the window: text for a
 * human, never executed by us. The actor id is quoted as a SQL string literal (`'` doubled).
 */
export function investigationQuery(
  finding: Pick<Finding, 'actor_id' | 'window_start' | 'window_end'>,
): string {
  const actor = finding.actor_id.replaceAll("'", "''");
  // The window end is exclusive: a day window ending at midnight needs only its own partition.
  const endDt = new Date(Date.parse(finding.window_end) - 1).toISOString().slice(0, 10);
  return [
    `SELECT ${QUERY_COLUMNS}`,
    'FROM audit_events',
    `WHERE actor_id = '${actor}'`,
    `  AND dt BETWEEN '${finding.window_start.slice(0, 10)}' AND '${endDt}'`,
    'ORDER BY event_time',
  ].join('\n');
}

export function athenaConsoleUrl(region: string): string {
  return `https://${region}.console.aws.amazon.com/athena/home?region=${region}#/query-editor`;
}

/** The S3 console page of one object: opening it needs an AWS sign-in with access to the bucket. */
export function s3ObjectConsoleUrl(region: string, bucket: string, key: string): string {
  return `https://${region}.console.aws.amazon.com/s3/object/${encodeURIComponent(bucket)}?region=${region}&prefix=${encodeURIComponent(key)}`;
}

/** The alert's pointer to the window's investigation report. */
export function reportSection(report: ReportStatus, consoleRegion: string | undefined): AlertSection {
  if (!report.written) {
    return {
      heading: 'Investigation report',
      text: 'Not written for this window: building it failed, and the detector logs say why. The finding itself is recorded and alerted as usual.',
    };
  }
  return {
    heading: 'Investigation report',
    lines: [`Object: s3://${report.bucket}/${report.key}`],
    text: "Charts of the actor's activity against their own baseline, their hours and their department's peers. Open it from the S3 console (an AWS sign-in with read access to the lake is needed).",
    ...(consoleRegion === undefined
      ? {}
      : { link: { text: 'S3 console', url: s3ObjectConsoleUrl(consoleRegion, report.bucket, report.key) } }),
  };
}

/** `2026-01-01 09:02:11 UTC` (seconds only when not zero). */
export function formatUtc(iso: string): string {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/.test(iso)) return iso;
  const text = iso.replace('T', ' ').replace(/\.\d+Z$|Z$/, '');
  return `${text.endsWith(':00') && text.length === 19 ? text.slice(0, 16) : text} UTC`;
}

/** `2026-03-08 03:30:00 UTC-04:00` in `timeZone` (DST included); undefined for an unknown zone. */
export function formatInZone(iso: string, timeZone: string): string | undefined {
  if (Number.isNaN(Date.parse(iso))) return undefined;
  let formatter: Intl.DateTimeFormat;
  try {
    formatter = zoneFormatter(timeZone);
  } catch {
    return undefined;
  }
  const parts = Object.fromEntries(
    formatter.formatToParts(new Date(iso)).map((part) => [part.type, part.value]),
  ) as Partial<Record<Intl.DateTimeFormatPartTypes, string>>;
  const offset = parts.timeZoneName === 'GMT' ? 'UTC' : (parts.timeZoneName ?? '').replace('GMT', 'UTC');
  const time =
    parts.second === '00' ? `${parts.hour}:${parts.minute}` : `${parts.hour}:${parts.minute}:${parts.second}`;
  return `${parts.year}-${parts.month}-${parts.day} ${time} ${offset}`;
}

const zoneFormatters = new Map<string, Intl.DateTimeFormat>();

function zoneFormatter(timeZone: string): Intl.DateTimeFormat {
  let formatter = zoneFormatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      timeZoneName: 'longOffset',
    });
    zoneFormatters.set(timeZone, formatter);
  }
  return formatter;
}

/** The employee's time zone when the detector returned one (a `timezone` evidence column). */
export function employeeTimeZone(finding: Pick<Finding, 'evidence'>): string | undefined {
  const zone = finding.evidence.timezone;
  return typeof zone === 'string' && formatInZone('2026-01-01T00:00:00.000Z', zone) !== undefined
    ? zone
    : undefined;
}

/** Lines saying when it happened: the window and first/last event in UTC, and in local time if known. */
export function whenLines(finding: Finding): string[] {
  const lines = [`Window: ${formatUtc(finding.window_start)} to ${formatUtc(finding.window_end)}`];
  if (finding.first_seen !== null && finding.last_seen !== null) {
    lines.push(`Activity: first ${formatUtc(finding.first_seen)}, last ${formatUtc(finding.last_seen)}`);
  }
  const zone = employeeTimeZone(finding);
  if (zone !== undefined) {
    const local = (iso: string) => formatInZone(iso, zone) ?? iso;
    lines.push(`Window in ${zone}: ${local(finding.window_start)} to ${local(finding.window_end)}`);
    if (finding.first_seen !== null && finding.last_seen !== null) {
      lines.push(`Activity in ${zone}: first ${local(finding.first_seen)}, last ${local(finding.last_seen)}`);
    }
  }
  return lines;
}

/** Lines saying how much: the finding's counts and every evidence field, labelled. */
export function howMuchLines(finding: Finding, evidence: AlertEvidence): string[] {
  const lines: string[] = [];
  if (finding.event_count !== null) lines.push(`Events: ${finding.event_count}`);
  if (finding.score !== null) lines.push(`Score: ${finding.score}`);
  for (const item of evidence.items) lines.push(`${item.label}: ${formatValue(item.value)}`);
  if (evidence.omitted > 0) {
    lines.push(`${TRUNCATED} ${evidence.omitted} more evidence fields not shown (message size limit)`);
  }
  if (evidence.dropped.length > 0) {
    lines.push(`Not shown, may hold customer personal data: ${evidence.dropped.join(', ')}`);
  }
  return lines;
}

/** Why it matters: the detector's title and this finding's summary, then what the runbook says it means. */
export function whyItMatters(finding: Pick<Finding, 'title' | 'summary' | 'runbook'>): string {
  const means = /^\s*Means:\s*(.+?)(?=\s+[A-Z][A-Za-z ]{2,30}:\s|$)/s.exec(finding.runbook)?.[1];
  const summary = truncateText(finding.summary, SUMMARY_CAP);
  const meaning = means?.trim();
  const sentence = meaning ? `${meaning.charAt(0).toUpperCase()}${meaning.slice(1)}` : undefined;
  return [`${finding.title}: ${summary}.`, sentence].filter(Boolean).join(' ');
}

export function formatValue(value: SqlValue): string {
  return value === null ? '(none)' : String(value);
}

/** One part of an alert, rendered as text in emails and ServiceNow, as ADF in Jira. */
export interface AlertSection {
  readonly heading: string;
  /** Facts, one per line (`Label: value`); a bullet list where the format has one. */
  readonly lines?: readonly string[];
  /** Prose. */
  readonly text?: string;
  /** SQL to paste into Athena. */
  readonly code?: string;
  readonly link?: { readonly text: string; readonly url: string };
}

/** The sections of an alert about `finding`, whose evidence is already `evidence` (redacted, cut). */
export function alertSections(
  finding: Finding,
  evidence: AlertEvidence,
  options: AlertMessageOptions = {},
): AlertSection[] {
  return [
    { heading: 'Who', lines: [`Actor: ${finding.actor_id}`] },
    {
      heading: 'What',
      lines: [
        `Detector: ${finding.title} (${finding.detector_id})`,
        `Summary: ${finding.summary}`,
        `Severity: ${finding.severity}`,
      ],
    },
    { heading: 'When', lines: whenLines(finding) },
    { heading: 'How much', lines: howMuchLines(finding, evidence) },
    { heading: 'Why it matters', text: whyItMatters(finding) },
    ...(options.report === undefined ? [] : [reportSection(options.report, options.consoleRegion)]),
    { heading: 'Runbook', text: finding.runbook },
    {
      heading: 'Investigate in Athena',
      code: investigationQuery(finding),
      ...(options.consoleRegion === undefined
        ? {}
        : { link: { text: 'Athena console', url: athenaConsoleUrl(options.consoleRegion) } }),
    },
    {
      heading: 'Finding',
      lines: [
        `Id: ${finding.finding_id}`,
        `Detected at: ${formatUtc(finding.detected_at)}`,
        ...(finding.tags.length > 0 ? [`Tags: ${finding.tags.join(', ')}`] : []),
      ],
    },
  ];
}

/** Plain text of an alert: a title line, then each section as an upper-case heading and indented body. */
export function alertText(finding: Finding, sections: readonly AlertSection[]): string {
  const indent = (line: string) => (line === '' ? '' : `  ${line}`);
  const blocks = sections.map((section) => {
    const body = [
      ...(section.lines ?? []),
      ...(section.text === undefined ? [] : wrap(section.text, 76)),
      ...(section.code === undefined ? [] : section.code.split('\n')),
      ...(section.link === undefined ? [] : ['', `${section.link.text}: ${section.link.url}`]),
    ];
    return [section.heading.toUpperCase(), ...body.map(indent)].join('\n');
  });
  return `${[`${finding.severity.toUpperCase()} finding: ${finding.title}`, ...blocks].join('\n\n')}\n`;
}

function render(finding: Finding, evidence: AlertEvidence, options: AlertMessageOptions): AlertMessage {
  const shown = alertFinding(finding, evidence);
  return {
    subject: alertSubject(finding),
    email: alertText(shown, alertSections(shown, evidence, options)),
    json: JSON.stringify(shown),
  };
}

function readableLabel(name: string): string {
  const words = name
    .split(/[_\s]+/)
    .filter(Boolean)
    .map((word) => (/^(id|ip|mad|url|utc)$/i.test(word) ? word.toUpperCase() : word.toLowerCase()));
  const text = words.join(' ');
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function truncateValue(value: SqlValue, cap: number): SqlValue {
  return typeof value === 'string' ? truncateText(value, cap) : value;
}

function truncateText(text: string, cap: number): string {
  // Already cut to this cap (a finding read back from SNS): cut once, marked once.
  if (text.length <= cap || (text.length <= cap + CUT_SUFFIX.length && text.endsWith(CUT_SUFFIX)))
    return text;
  // Never split a surrogate pair: half an emoji is not valid UTF-8.
  const end = /[\uD800-\uDBFF]/.test(text.charAt(cap - 1)) ? cap - 1 : cap;
  return `${text.slice(0, end)}${CUT_SUFFIX}`;
}

/** One printable-ASCII line: accents stripped, anything else replaced, whitespace collapsed. */
function asciiLine(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/\s+/g, ' ')
    .replace(/[^\x20-\x7e]/g, '?')
    .trim();
}

function shorten(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, Math.max(0, max - 3)).trimEnd()}...`;
}

function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  for (const paragraph of text.split(/\n\s*\n/)) {
    let line = '';
    for (const word of paragraph.split(/\s+/).filter(Boolean)) {
      if (line !== '' && line.length + 1 + word.length > width) {
        lines.push(line);
        line = word;
      } else {
        line = line === '' ? word : `${line} ${word}`;
      }
    }
    if (line !== '') lines.push(line);
  }
  return lines;
}

function byteLength(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}
