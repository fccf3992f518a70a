import { describe, expect, it } from 'vitest';
import { renderChartSvg } from '../../lambdas/report/chart-svg.ts';
import { parseFindingsJsonl } from '../../lambdas/report/findings-file.ts';
import { investigationQuery } from '../../lambdas/report/investigation-query.ts';
import { dailyChart, hourOfWeekChart, peerChart } from '../../lambdas/report/report-charts.ts';
import { buildReportHtml, type FindingSection } from '../../lambdas/report/report-html.ts';
import { robustBaseline } from '../../lambdas/report/report-model.ts';
import { countTicks } from '../../lambdas/report/svg-marks.ts';
import { sampleFinding } from '../support/findings.ts';

const HOSTILE = '<script>alert(1)</script>';

async function sectionWithChart(
  overrides: Parameters<typeof sampleFinding>[0] = {},
): Promise<FindingSection> {
  const finding = sampleFinding(overrides);
  const chart = peerChart(finding.actor_id, 'recordsRead', {
    department: 'Support',
    actorValue: 40,
    peerValues: [2, 5, 7],
  });
  return {
    finding,
    lookbackDays: 28,
    charts: [
      {
        svg: renderChartSvg(chart, `c-${finding.finding_id}`),
        title: chart.title,
        summary: chart.summary,
      },
    ],
  };
}

function page(sections: readonly FindingSection[]): string {
  return buildReportHtml({
    generatedAt: new Date('2026-01-03T00:00:00Z'),
    source: 'findings.jsonl',
    sections,
  });
}

describe('report HTML', () => {
  it('shows hostile actor ids, summaries and evidence values as text', async () => {
    const html = page([
      await sectionWithChart({
        actor_id: HOSTILE,
        summary: `read ${HOSTILE}`,
        title: `<img src=x onerror=alert(1)>`,
        evidence: { [HOSTILE]: HOSTILE, note: '"><svg onload=alert(1)>' },
        runbook: HOSTILE,
      }),
    ]);

    expect(html).not.toContain('<script>alert(1)');
    expect(html).not.toContain('<img');
    expect(html).not.toContain('<svg onload');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html.match(/<script>/g)).toHaveLength(1);
  });

  it('loads nothing from outside the file', async () => {
    const html = page([await sectionWithChart()]);

    expect(html).not.toMatch(/<script[^>]*\ssrc/i);
    expect(html).not.toMatch(/<link\b/i);
    expect(html).not.toMatch(/<img\b/i);
    expect(html).not.toMatch(/@import|url\(/i);
    expect(html).not.toMatch(/https?:\/\//i);
    expect(html).toContain("default-src 'none'");
  });

  it('has one section per finding, each with titled SVG charts in figures', async () => {
    const html = page([
      await sectionWithChart({ finding_id: 'a'.repeat(32) }),
      await sectionWithChart({ finding_id: 'b'.repeat(32), actor_id: 'emp-0043' }),
    ]);

    expect(html.match(/<section class="finding"/g)).toHaveLength(2);
    expect(
      html.match(/<figure>\s*<svg[^>]*role="img"[^>]*>\s*<title id="[^"]+">[^<]+<\/title>/g),
    ).toHaveLength(2);
    expect(html.match(/<figcaption>/g)).toHaveLength(2);
    expect(html).toContain('<th scope="col"');
    expect(html).toMatch(/<main>[\s\S]*<\/main>/);
    expect(html).toContain('@media print');
  });

  it('leaves out evidence fields that look like customer personal data, saying which', async () => {
    const html = page([
      await sectionWithChart({
        evidence: {
          customer_email: 'someone@example.org',
          customer_name: 'Jane Doe',
          distinct_records: 3912,
        },
      }),
    ]);

    expect(html).not.toContain('someone@example.org');
    expect(html).not.toContain('Jane Doe');
    expect(html).toContain('<th scope="row">distinct_records</th><td>3912</td>');
    expect(html).toContain('Left out as customer personal data: customer_email, customer_name.');
  });

  it('lists the summary most severe first', async () => {
    const html = page([
      await sectionWithChart({ finding_id: 'l'.repeat(32), severity: 'low' }),
      await sectionWithChart({ finding_id: 'c'.repeat(32), severity: 'critical' }),
    ]);

    expect(html.indexOf('finding-cccc')).toBeLessThan(html.indexOf('finding-llll'));
  });

  it('keeps a section with a note when the charts could not be built', () => {
    const html = page([
      { finding: sampleFinding(), lookbackDays: 28, charts: [], chartsError: 'no such table' },
    ]);

    expect(html).toContain('Charts unavailable: no such table');
  });
});

describe('charts', () => {
  it('describes the daily series against its robust band in words', () => {
    const points = ['2026-01-01', '2026-01-02', '2026-01-03', '2026-01-04'].map((day, i) => ({
      day,
      recordsRead: [10, 12, 14, 300][i] ?? 0,
      recordsExported: 0,
      inWindow: i === 3,
    }));

    const chart = dailyChart('emp-1', 'recordsRead', points, robustBaseline([10, 12, 14]));

    expect(chart.summary).toContain('median 12');
    expect(chart.summary).toContain('2026-01-04: 300, 25× the median, above the band');
  });

  it('gives the heat strip a legend that says how many events each shade stands for', () => {
    const cells = Array.from({ length: 168 }, (_, i) => ({
      day: Math.floor(i / 24) + 1,
      hour: i % 24,
      baselineEvents: i === 10 ? 8 : 0,
      windowEvents: i === 3 ? 2 : 0,
    }));

    const chart = hourOfWeekChart('emp-1', 'UTC', 28, cells);

    expect(chart.body).toContain('>1–2</text>');
    expect(chart.body).toContain('>7–8</text>');
    // The window's 03:00 hour had no usual activity: marked, and said in words.
    expect(chart.body.match(/class="mark"/g)).toHaveLength(1);
    expect(chart.summary).toContain('1 of its 1 active hours had no usual activity');
  });

  it('draws axes with round, whole-number steps from zero', () => {
    expect(countTicks(0)).toEqual({ top: 1, ticks: [0, 1] });
    expect(countTicks(133)).toEqual({ top: 150, ticks: [0, 50, 100, 150] });
    expect(countTicks(4400)).toEqual({ top: 5000, ticks: [0, 1000, 2000, 3000, 4000, 5000] });
  });

  it('computes the robust band as median ± 3 × 1.4826 × MAD, floored at zero', () => {
    expect(robustBaseline([10, 12, 14])).toEqual({ median: 12, mad: 2, low: 3.1044, high: 20.8956, days: 3 });
    expect(robustBaseline([0, 0, 5]).low).toBe(0);
  });
});

describe('investigation query', () => {
  it('quotes the actor id as a literal', () => {
    const sql = investigationQuery(sampleFinding({ actor_id: "x' OR '1'='1" }));

    expect(sql).toContain("WHERE actor_id = 'x'' OR ''1''=''1'");
    expect(sql).toContain("dt BETWEEN '2026-01-01' AND '2026-01-01'");
    expect(sql).toContain("event_time < TIMESTAMP '2026-01-02 00:00:00.000'");
  });
});

describe('findings file', () => {
  it('reads findings as the JSONL sink writes them and names the line of a bad one', () => {
    const line = JSON.stringify(sampleFinding());

    expect(parseFindingsJsonl('f.jsonl', `${line}\n\n${line}\n`)).toHaveLength(2);
    expect(() => parseFindingsJsonl('f.jsonl', `${line}\n{"actor_id":1}\n`)).toThrow(
      /^f\.jsonl:2: not a finding/,
    );
  });
});
