import { describe, expect, it } from 'vitest';
import {
  alertEvidence,
  buildAlertMessage,
  investigationQuery,
  looksLikeCustomerPii,
  SNS_MESSAGE_LIMIT_BYTES,
  s3ObjectConsoleUrl,
  severityRank,
  snsMessageBody,
} from '../../lambdas/core/alert-message.ts';
import type { Finding } from '../../lambdas/core/finding.ts';
import { sampleFinding } from '../support/findings.ts';

function section(email: string, heading: string): string {
  const start = email.indexOf(`\n${heading}\n`);
  expect(start, `section ${heading}`).toBeGreaterThan(-1);
  const end = email.indexOf('\n\n', start + heading.length + 2);
  return email.slice(start + heading.length + 2, end === -1 ? undefined : end);
}

describe('alert subject', () => {
  it('names severity, detector title and actor', () => {
    const { subject } = buildAlertMessage(sampleFinding());
    expect(subject).toBe('[HIGH] Record access far above baseline - emp-0042');
  });

  it('stays under 100 printable ASCII characters on one line, keeping the actor', () => {
    const finding = sampleFinding({
      severity: 'critical',
      title: `Données exportées ${'hors des heures de travail '.repeat(10)}`,
      actor_id: 'emp-\n0042\u200b',
    });
    const { subject } = buildAlertMessage(finding);
    expect(subject.length).toBeLessThan(100);
    expect(subject).toMatch(/^[\x20-\x7e]+$/);
    expect(subject).toMatch(/^\[CRITICAL\] Donnees exportees hors des heures .*\.\.\. - emp- 0042\?$/);
  });
});

describe('alert email', () => {
  it('says who, what, how much, why, the runbook and what to query', () => {
    const { email } = buildAlertMessage(
      sampleFinding({ runbook: 'Means: the employee read far more than usual. Investigate: ask.' }),
      { consoleRegion: 'eu-west-1' },
    );
    expect(email.split('\n')[0]).toBe('HIGH finding: Record access far above baseline');
    expect(section(email, 'WHO')).toBe('  Actor: emp-0042');
    expect(section(email, 'WHAT')).toContain(
      '  Summary: read 3912 distinct records in the day, 95.4x the own history median of 41',
    );
    expect(section(email, 'HOW MUCH').split('\n')).toEqual([
      '  Events: 4100',
      '  Score: 48.2',
      '  Distinct records: 3912',
      '  Baseline median: 41',
    ]);
    expect(section(email, 'WHY IT MATTERS')).toBe(
      [
        '  Record access far above baseline: read 3912 distinct records in the day,',
        '  95.4x the own history median of 41. The employee read far more than usual.',
      ].join('\n'),
    );
    expect(section(email, 'RUNBOOK')).toBe(
      '  Means: the employee read far more than usual. Investigate: ask.',
    );
    expect(section(email, 'INVESTIGATE IN ATHENA')).toContain("WHERE actor_id = 'emp-0042'");
    expect(email).toContain(
      'Athena console: https://eu-west-1.console.aws.amazon.com/athena/home?region=eu-west-1#/query-editor',
    );
  });

  it('gives the window in UTC only when the evidence has no time zone', () => {
    const { email } = buildAlertMessage(sampleFinding());
    expect(section(email, 'WHEN').split('\n')).toEqual([
      '  Window: 2026-01-01 00:00 UTC to 2026-01-02 00:00 UTC',
      '  Activity: first 2026-01-01 09:02:11 UTC, last 2026-01-01 16:40 UTC',
    ]);
  });

  it("adds the employee's local time, switching offset across the DST change", () => {
    // New York moves from UTC-05:00 to UTC-04:00 at 02:00 local on 2026-03-08.
    const finding = sampleFinding({
      window_start: '2026-03-08T05:00:00.000Z',
      window_end: '2026-03-09T04:00:00.000Z',
      first_seen: '2026-03-08T06:30:00.000Z',
      last_seen: '2026-03-08T07:30:00.000Z',
      evidence: { records: 68000, timezone: 'America/New_York' },
    });
    const lines = section(buildAlertMessage(finding).email, 'WHEN').split('\n');
    expect(lines).toContain(
      '  Window in America/New_York: 2026-03-08 00:00 UTC-05:00 to 2026-03-09 00:00 UTC-04:00',
    );
    expect(lines).toContain(
      '  Activity in America/New_York: first 2026-03-08 01:30 UTC-05:00, last 2026-03-08 03:30 UTC-04:00',
    );
  });

  it('ignores a time zone Intl does not know', () => {
    const finding = sampleFinding({ evidence: { timezone: 'Mars/Olympus_Mons' } });
    expect(section(buildAlertMessage(finding).email, 'WHEN')).not.toContain('Mars/');
  });
});

describe('evidence in alerts', () => {
  const evidence = {
    records: 68000,
    customer_name: 'Ada Lovelace',
    customer_email: 'ada@example.com',
    phone: '+44 20 7946 0000',
    billing_address: '1 Main St',
    ssn: '078-05-1120',
    dob: '1815-12-10',
    employee_name: 'Sam Agent',
    actor_email: 'sam@corp.example',
    username: 'sagent',
    largest_destination: 'usb',
  };

  it.each([
    ['customer_name', true],
    ['email', true],
    ['ip_address', true],
    ['Customer_SSN', true],
    ['employee_name', false],
    ['actor_email', false],
    ['username', false],
    ['destinations', false],
  ])('treats %s as customer PII: %s', (name, pii) => {
    expect(looksLikeCustomerPii(name)).toBe(pii);
  });

  it('drops PII-looking fields from the email and the JSON, naming but not showing them', () => {
    const message = buildAlertMessage(sampleFinding({ evidence }));
    const json = JSON.parse(message.json) as Finding;
    expect(Object.keys(json.evidence)).toEqual([
      'records',
      'employee_name',
      'actor_email',
      'username',
      'largest_destination',
    ]);
    for (const value of [
      'Ada Lovelace',
      'ada@example.com',
      '7946',
      '1 Main St',
      '078-05-1120',
      '1815-12-10',
    ]) {
      expect(message.email).not.toContain(value);
      expect(snsMessageBody(message)).not.toContain(value);
    }
    expect(message.email).toContain(
      'Not shown, may hold customer personal data: customer_name, customer_email, phone, billing_address, ssn, dob',
    );
    expect(message.email).toContain('  Employee name: Sam Agent\n');
  });

  it('cuts a long value and marks it', () => {
    const { items } = alertEvidence({ query_text: 'x'.repeat(5000) });
    expect(items[0]?.value).toBe(`${'x'.repeat(1000)}… [truncated]`);
  });

  it('cuts a value only once when the finding comes back from SNS', () => {
    const once = alertEvidence({ query_text: 'x'.repeat(5000) }).items[0]?.value ?? null;
    expect(alertEvidence({ query_text: once }).items[0]?.value).toBe(once);
  });

  it('keeps the SNS message under 256 KB, marking what was left out', () => {
    const huge: Record<string, string> = {};
    for (let i = 0; i < 3000; i++) huge[`field_${String(i).padStart(4, '0')}`] = `"${'y'.repeat(2000)}"`;
    const message = buildAlertMessage(sampleFinding({ evidence: huge }));
    const bytes = Buffer.byteLength(snsMessageBody(message));
    expect(bytes).toBeLessThanOrEqual(SNS_MESSAGE_LIMIT_BYTES - 4096);
    expect(bytes).toBeGreaterThan(SNS_MESSAGE_LIMIT_BYTES / 2);
    const json = JSON.parse(message.json) as Finding;
    expect(json.evidence._truncated).toMatch(/^\[truncated\] \d+ more evidence fields left out/);
    expect(json.evidence.field_0000).toMatch(/… \[truncated\]$/);
    expect(message.email).toMatch(/\[truncated\] \d+ more evidence fields not shown/);
  });
});

describe('investigation report in alerts', () => {
  const key = 'findings/reports/record-access-spike/20260101T000000Z-20260102T000000Z.html';

  it('names the report’s S3 object and its console page, never a presigned URL', () => {
    const { email } = buildAlertMessage(sampleFinding(), {
      consoleRegion: 'eu-west-1',
      report: { written: true, bucket: 'lake-bucket', key },
    });

    const report = section(email, 'INVESTIGATION REPORT');
    expect(report).toContain(`Object: s3://lake-bucket/${key}`);
    expect(email).toContain(
      'S3 console: https://eu-west-1.console.aws.amazon.com/s3/object/lake-bucket?region=eu-west-1&prefix=findings%2Freports%2Frecord-access-spike%2F20260101T000000Z-20260102T000000Z.html',
    );
    expect(email).not.toMatch(/X-Amz-Signature|X-Amz-Credential/i);
  });

  it('says the report is missing when it could not be written', () => {
    const { email } = buildAlertMessage(sampleFinding(), { report: { written: false } });

    expect(section(email, 'INVESTIGATION REPORT')).toContain('Not written for this window');
    expect(email).not.toContain('s3://');
  });

  it('has no report section when no report was attempted', () => {
    expect(buildAlertMessage(sampleFinding()).email).not.toContain('INVESTIGATION REPORT');
  });

  it('encodes bucket and key in the console link', () => {
    expect(s3ObjectConsoleUrl('us-east-1', 'b', 'a b/c&d.html')).toBe(
      'https://us-east-1.console.aws.amazon.com/s3/object/b?region=us-east-1&prefix=a%20b%2Fc%26d.html',
    );
  });
});

describe('investigation query', () => {
  it("quotes the actor with '' and covers the window's partitions, end exclusive", () => {
    const query = investigationQuery(
      sampleFinding({
        actor_id: "o'brien'; DROP TABLE x; --",
        window_start: '2026-01-01T00:00:00.000Z',
        window_end: '2026-01-03T00:00:00.000Z',
      }),
    );
    expect(query).toBe(
      [
        'SELECT event_time, action, resource_type, resource_id, record_count, bytes,',
        '       source_system, destination, device_id, source_ip, outcome, justification_id',
        'FROM audit_events',
        "WHERE actor_id = 'o''brien''; DROP TABLE x; --'",
        "  AND dt BETWEEN '2026-01-01' AND '2026-01-02'",
        'ORDER BY event_time',
      ].join('\n'),
    );
  });

  it('covers both days of an hourly window across midnight', () => {
    const query = investigationQuery(
      sampleFinding({ window_start: '2026-01-01T23:30:00.000Z', window_end: '2026-01-02T00:30:00.000Z' }),
    );
    expect(query).toContain("dt BETWEEN '2026-01-01' AND '2026-01-02'");
  });
});

describe('severityRank', () => {
  it('orders info 0 to critical 4', () => {
    expect(
      ['info', 'low', 'medium', 'high', 'critical'].map((s) => severityRank(s as Finding['severity'])),
    ).toEqual([0, 1, 2, 3, 4]);
  });
});
