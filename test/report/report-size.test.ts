import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readDemoManifest } from '../../lambdas/cli/demo-check.ts';
import { runDetection } from '../../lambdas/cli/detection-run.ts';
import {
  DEFAULT_QUERIES_DIR,
  DEFAULT_ROLLUPS_DIR,
  DEFAULT_SUPPRESSIONS_FILE,
} from '../../lambdas/cli/project-paths.ts';
import { looksLikeCustomerPii } from '../../lambdas/core/alert-message.ts';
import type { Finding } from '../../lambdas/core/finding.ts';
import { generateDemoLake } from '../../lambdas/demo/demo-lake.ts';
import { writeInvestigationReport } from '../../lambdas/report/build-report.ts';

/**
 * The report `npm start` writes, on a smaller demo lake (60 employees × 30 days, every shipped
 * detector over the demo's detection days): twenty findings must come to less than 2 MB, with
 * nothing in the file that points outside it. The demo's own findings are used; when it raises
 * fewer than twenty, the first ones are repeated a day later (as the next day's finding would be)
 * so the size is measured for twenty sections of real data.
 */
const FINDINGS = 20;
const LIMIT_BYTES = 2 * 1024 * 1024;
const DAY_MS = 86_400_000;

let dir: string;
let html: string;
let findings: Finding[];

function dayLater(finding: Finding, index: number): Finding {
  const shift = (iso: string) => new Date(Date.parse(iso) + DAY_MS).toISOString();
  return {
    ...finding,
    finding_id: `${String(index).padStart(2, '0')}${finding.finding_id.slice(2)}`,
    window_start: shift(finding.window_start),
    window_end: shift(finding.window_end),
  };
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'auditlake-report-size-'));
  const lakeDir = join(dir, 'lake');
  await generateDemoLake({
    lakeDir,
    employees: 60,
    days: 30,
    seed: 42,
    end: new Date('2026-03-30T00:00:00Z'),
  });
  const manifest = await readDemoManifest(lakeDir);
  const { report } = await runDetection({
    lakeDir,
    queriesDir: DEFAULT_QUERIES_DIR,
    rollupsDir: DEFAULT_ROLLUPS_DIR,
    suppressionsFile: DEFAULT_SUPPRESSIONS_FILE,
    detectorIds: [],
    mode: { kind: 'backfill', from: manifest.detectionFrom, to: manifest.end },
    statePath: undefined,
    outPath: undefined,
    webhook: undefined,
    params: [],
    print: () => undefined,
  });
  findings = report.findings.slice(0, FINDINGS);
  for (let i = 0; findings.length < FINDINGS && report.findings.length > 0; i++) {
    const original = report.findings[i % report.findings.length];
    if (original) findings.push(dayLater(original, i));
  }
  const findingsPath = join(dir, 'findings.jsonl');
  await writeFile(findingsPath, findings.map((finding) => JSON.stringify(finding)).join('\n'));
  const outPath = join(dir, 'report.html');
  await writeInvestigationReport({ lakeDir, findingsPath, outPath, queriesDir: DEFAULT_QUERIES_DIR });
  html = await readFile(outPath, 'utf8');
}, 240_000);

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('the demo lake’s report', () => {
  it('covers twenty findings, each with its five charts', () => {
    expect(findings).toHaveLength(FINDINGS);
    expect(html.match(/<section class="finding"/g)).toHaveLength(FINDINGS);
    expect(html.match(/<svg class="chart"[^>]*role="img"/g)).toHaveLength(FINDINGS * 5);
    expect(html).not.toContain('Charts unavailable');
  });

  it('is smaller than 2 MB', () => {
    expect(Buffer.byteLength(html, 'utf8')).toBeLessThan(LIMIT_BYTES);
  });

  it('references nothing outside the file', () => {
    expect(html).not.toMatch(/https?:/i);
    expect(html).not.toMatch(/=\s*["']?\/\//);
    expect(html).not.toMatch(/\burl\(|@import/i);
    expect(html).not.toMatch(/<(img|link|iframe|object|embed|image|use)\b/i);
    const targets = [...html.matchAll(/\s(?:href|src|xlink:href|action)\s*=\s*"([^"]*)"/gi)].map(
      (match) => match[1] ?? '',
    );
    expect(targets.length).toBeGreaterThan(0);
    expect(targets.filter((target) => !target.startsWith('#'))).toEqual([]);
  });

  it('shows no evidence field named like customer personal data', () => {
    const fields = [...html.matchAll(/<th scope="row">([^<]*)<\/th>/g)].map((match) => match[1] ?? '');
    expect(fields.length).toBeGreaterThan(0);
    expect(fields.filter(looksLikeCustomerPii)).toEqual([]);
  });
});
