import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeInvestigationReport } from '../../lambdas/report/build-report.ts';
import { sampleFinding } from '../support/findings.ts';
import { event, FixtureLake } from '../support/fixture-lake.ts';

const CHROMIUM = '/usr/bin/chromium';
const HAS_CHROMIUM = existsSync(CHROMIUM);
const ARTIFACTS = fileURLToPath(new URL('../artifacts', import.meta.url));
/** docs/report.md shows two of the screenshots; `UPDATE_DOCS=1` refreshes them there. */
const DOC_IMAGES = fileURLToPath(new URL('../../docs/images', import.meta.url));
const HOSTILE = '<script>alert(1)</script>';

if (!HAS_CHROMIUM) console.warn(`report browser test skipped: no Chromium at ${CHROMIUM}`);

const findings = [
  sampleFinding({
    finding_id: '1'.repeat(32),
    severity: 'low',
    actor_id: 'emp-a',
    window_start: '2026-03-04T00:00:00.000Z',
    window_end: '2026-03-05T00:00:00.000Z',
  }),
  sampleFinding({
    finding_id: '2'.repeat(32),
    severity: 'critical',
    actor_id: 'emp-a',
    window_start: '2026-03-05T00:00:00.000Z',
    window_end: '2026-03-06T00:00:00.000Z',
  }),
  sampleFinding({
    finding_id: '3'.repeat(32),
    severity: 'medium',
    actor_id: HOSTILE,
    summary: HOSTILE,
    evidence: { note: HOSTILE },
    window_start: '2026-03-03T00:00:00.000Z',
    window_end: '2026-03-04T00:00:00.000Z',
  }),
];

const reads = (actor: string, day: string, count: number) =>
  Array.from({ length: count }, (_, i) =>
    event({
      actor_id: actor,
      event_time: `${day}T10:${String(i % 60).padStart(2, '0')}:00Z`,
      action: 'read',
      resource_id: `r-${i}`,
    }),
  );

const exports = (actor: string, eventTime: string, records: number) =>
  event({
    actor_id: actor,
    event_time: eventTime,
    action: 'export',
    resource_type: 'table',
    resource_id: 'customers',
    record_count: records,
  });

let dir: string;
let lake: FixtureLake;
let reportPath: string;
let browser: Browser | undefined;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'auditlake-report-'));
  lake = await FixtureLake.create(
    [
      { employee_id: 'emp-a', department: 'Support' },
      { employee_id: 'emp-b', department: 'Support' },
      { employee_id: 'emp-c', department: 'Support' },
      { employee_id: HOSTILE, department: 'Support' },
    ],
    [
      ...['2026-02-20', '2026-02-23', '2026-02-24', '2026-02-25', '2026-03-02', '2026-03-03'].flatMap((day) =>
        reads('emp-a', day, 10),
      ),
      ...reads('emp-a', '2026-03-04', 60),
      ...reads('emp-a', '2026-03-05', 120),
      ...reads('emp-b', '2026-03-04', 8),
      ...reads('emp-c', '2026-03-05', 14),
      exports('emp-a', '2026-03-05T02:30:00Z', 4000),
      exports('emp-b', '2026-03-05T11:00:00Z', 120),
      ...reads(HOSTILE, '2026-03-03', 3),
    ],
  );
  const findingsPath = join(dir, 'findings.jsonl');
  await writeFile(findingsPath, findings.map((finding) => JSON.stringify(finding)).join('\n'));
  reportPath = join(dir, 'report.html');
  await writeInvestigationReport({ lakeDir: lake.dir, findingsPath, outPath: reportPath });
});

afterAll(async () => {
  await browser?.close();
  await lake?.remove();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('the report in a browser', () => {
  it.skipIf(!HAS_CHROMIUM)(
    'shows every section and chart, sorts the summary, and fetches nothing',
    async () => {
      browser = await chromium.launch({
        executablePath: CHROMIUM,
        args: [
          '--headless',
          '--no-sandbox',
          '--disable-gpu',
          '--disable-quic',
          '--no-first-run',
          '--disable-background-networking',
          '--disable-component-update',
          '--disable-sync',
        ],
      });
      const context = await browser.newContext({ viewport: { width: 1200, height: 900 } });
      const page = await context.newPage();
      const blocked: string[] = [];
      await page.route('**/*', (route) => {
        const url = route.request().url();
        if (url.startsWith('file:')) return route.continue();
        blocked.push(url);
        return route.abort();
      });
      const errors: string[] = [];
      page.on('pageerror', (error) => errors.push(error.message));
      const dialogs: string[] = [];
      page.on('dialog', (dialog) => {
        dialogs.push(dialog.message());
        void dialog.dismiss();
      });

      await page.goto(pathToFileURL(reportPath).href);

      await expect.poll(() => page.locator('main section.finding').count()).toBe(3);
      // The top of the page as it opens, most severe first (the sort clicks below reorder it).
      await mkdir(ARTIFACTS, { recursive: true });
      await page.screenshot({ path: join(ARTIFACTS, 'report-top.png') });
      const charts = page.locator('section.finding figure svg[role="img"]');
      expect(await charts.count()).toBe(15);
      for (const chart of await charts.all()) expect(await chart.isVisible()).toBe(true);
      const titles = await page.locator('section.finding').first().locator('svg > title').allTextContents();
      expect(titles).toEqual([
        'Records read per day by emp-a',
        'Records exported per day by emp-a',
        'Hour-of-week activity of emp-a, usual vs window',
        'Records read: emp-a among the Support department',
        'Records exported: emp-a among the Support department',
      ]);
      expect(await page.getByText(HOSTILE).first().isVisible()).toBe(true);

      const column = (index: number) =>
        page
          .locator('#summary tbody tr')
          .evaluateAll(
            (rows, i) => rows.map((row) => row.children[i]?.getAttribute('data-value') ?? ''),
            index,
          );
      expect(await column(0)).toEqual(['4', '2', '1']);
      await page.locator('#summary th', { hasText: 'Window' }).click();
      expect(await column(1)).toEqual([
        '2026-03-03T00:00:00.000Z',
        '2026-03-04T00:00:00.000Z',
        '2026-03-05T00:00:00.000Z',
      ]);
      await page.locator('#summary th', { hasText: 'Severity' }).click();
      expect(await column(0)).toEqual(['1', '2', '4']);
      expect(await page.locator('#summary th', { hasText: 'Severity' }).getAttribute('aria-sort')).toBe(
        'ascending',
      );

      await page.screenshot({ path: join(ARTIFACTS, 'report.png'), fullPage: true });
      await page
        .locator('section.finding')
        .first()
        .screenshot({ path: join(ARTIFACTS, 'report-finding.png') });
      if (process.env.UPDATE_DOCS) {
        await mkdir(DOC_IMAGES, { recursive: true });
        for (const image of ['report-top.png', 'report-finding.png']) {
          await copyFile(join(ARTIFACTS, image), join(DOC_IMAGES, image));
        }
      }
      expect(blocked).toEqual([]);
      expect(dialogs).toEqual([]);
      expect(errors).toEqual([]);
    },
  );
});
