/**
 * Accepted event data never changes a query's meaning. Values reach SQL only as typed literals
 * (`renderSql` / `renderLiteral`), never by concatenation; these tests check that on the DuckDB
 * engine with hostile text: literals read back exactly, a rendered value is never read as a
 * parameter or as SQL, and the shipped detectors, the report's data queries and the investigation
 * query give the same answers over a lake whose every free-text field carries SQL fragments as over
 * the same events with harmless text.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Detector } from '../../lambdas/core/detector.ts';
import { loadDetectorCatalog } from '../../lambdas/core/detector-catalog.ts';
import type { Finding } from '../../lambdas/core/finding.ts';
import type { FindingSink, SqlRow } from '../../lambdas/core/ports.ts';
import { runDetectors } from '../../lambdas/core/runner.ts';
import { renderLiteral, renderSql } from '../../lambdas/core/sql-params.ts';
import { type DuckDbEngine, openDuckDbEngine } from '../../lambdas/engines/duckdb-engine.ts';
import { localRollups } from '../../lambdas/engines/duckdb-rollup-store.ts';
import { loadFixtureCases } from '../../lambdas/fixtures/detector-tests.ts';
import { caseParamOverrides, type FixtureCase, isPositiveCase } from '../../lambdas/fixtures/fixture-case.ts';
import { type EmployeeRow, FixtureLake } from '../../lambdas/fixtures/fixture-lake.ts';
import { investigationQuery } from '../../lambdas/report/investigation-query.ts';
import { queryFindingReportData } from '../../lambdas/report/report-data.ts';
import { MemoryStateStore } from '../../lambdas/stores/memory-state-store.ts';
import { CASES_DIR, DETECTORS_DIR, ROLLUPS_DIR } from '../support/fixture-lake.ts';

/** Quote breakouts, comment starts, a statement separator, dollar quoting, a backslash escape and parameter syntax. */
const FRAGMENTS = [
  "' OR 1=1 --",
  "'); DROP TABLE audit_events; --",
  "\\' OR '1'='1",
  '$$ OR 1=1 $$',
  ':window_start',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: template syntax as hostile data, not a template.
  '${window_end}',
  '*/ UNION SELECT * FROM employees --',
] as const;

/** Appended to a value, keeping values distinct and equal values equal. */
const HOSTILE = ` ${FRAGMENTS.join(' ')}`;

describe('SQL literals of hostile text', () => {
  let engine: DuckDbEngine;
  beforeAll(async () => {
    engine = await openDuckDbEngine({ threads: 1 });
  });
  afterAll(() => engine.close());

  it.each([...FRAGMENTS, HOSTILE, "''", "'", '\\', 'a\nb', '日本語 👩‍💻'])(
    'reads %j back exactly, as one value',
    async (value) => {
      const { rows } = await engine.query({
        sql: renderSql('SELECT :value AS value, 1 AS one', { value }).sql,
        label: 'literal',
      });

      expect(rows).toEqual([{ value, one: 1 }]);
    },
  );

  it('never reads a rendered value as a parameter, even one that names another', () => {
    const { sql, used } = renderSql('SELECT :a AS a, :b AS b', { a: ':b', b: "x' --" });

    expect(sql).toBe("SELECT ':b' AS a, 'x'' --' AS b");
    expect(used).toEqual(['a', 'b']);
  });

  it('renders a list of hostile strings as one array of those strings', async () => {
    const { rows } = await engine.query({
      sql: `SELECT cardinality(${renderLiteral('list', FRAGMENTS)}) AS n, ${renderLiteral('list', FRAGMENTS)}[2] AS second`,
      label: 'list',
    });

    expect(rows).toEqual([{ n: FRAGMENTS.length, second: FRAGMENTS[1] }]);
  });
});

/** What one lake answered: findings, then per finding the report data and the investigation rows. */
interface Answers {
  readonly findings: readonly Finding[];
  readonly reportData: readonly unknown[];
  readonly investigations: readonly (readonly SqlRow[])[];
  readonly tableCounts: SqlRow;
}

/** Event fields that identify things: detectors count, join and group them but never compare them to a literal. */
const EVENT_IDENTITIES = [
  'event_id',
  'actor_id',
  'resource_id',
  'source_ip',
  'device_id',
  'justification_id',
] as const;
/** Directory fields that identify or group people; `timezone`, `work_days` and status keep their meaning. */
const EMPLOYEE_IDENTITIES = [
  'employee_id',
  'manager_id',
  'email',
  'display_name',
  'department',
  'title',
  'location',
] as const;

/**
 * Someone outside the case whose every string field is hostile, including the fields detectors
 * compare with literals (a `destination` that tries to equal 'usb', a `resource_type` that tries
 * to equal 'customer_record'); in the harmless lake the same text without its quotes and symbols.
 */
const BYSTANDER_HOSTILE = {
  actor_id: "bystander' OR '1'='1",
  resource_type: "customer_record' OR '1'='1",
  source_system: "support-db'); DROP TABLE employees; --",
  destination: "usb' OR destination <> '",
  source_ip: ':window_start',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: template syntax as hostile data, not a template.
  device_id: '${window_end}',
  justification_id: "\\' OR 1=1 --",
  details: JSON.stringify({ q: "'); DELETE FROM audit_events; --" }),
} as const;
const harmless = (text: string) => text.replace(/[^A-Za-z0-9 ]/g, '_');

function bystanderEvents(hostile: boolean, day: string): Record<string, unknown>[] {
  const text = (value: string) => (hostile ? value : harmless(value));
  const id = (value: string) => (hostile ? `${value}${HOSTILE}` : value);
  return Array.from({ length: 60 }, (_, index) => ({
    event_id: id(`by-${index}`),
    event_time: `${day}T03:${String(index % 60).padStart(2, '0')}:00Z`,
    actor_id: text(BYSTANDER_HOSTILE.actor_id),
    actor_type: 'human',
    action: index % 2 === 0 ? 'export' : 'read',
    resource_type: text(BYSTANDER_HOSTILE.resource_type),
    resource_id: id(`rec-${index}`),
    record_count: 50_000,
    bytes: 2_000_000_000,
    source_system: text(BYSTANDER_HOSTILE.source_system),
    source_ip: text(BYSTANDER_HOSTILE.source_ip),
    device_id: text(BYSTANDER_HOSTILE.device_id),
    destination: text(BYSTANDER_HOSTILE.destination),
    outcome: 'success',
    justification_id: text(BYSTANDER_HOSTILE.justification_id),
    details: hostile ? BYSTANDER_HOSTILE.details : JSON.stringify({ q: harmless("'); DELETE") }),
  }));
}

function withSuffix<T extends object>(row: T, fields: readonly string[]): T {
  const copy = { ...row } as Record<string, unknown>;
  for (const field of fields) {
    const value = copy[field];
    if (typeof value === 'string') copy[field] = `${value}${HOSTILE}`;
  }
  return copy as T;
}

/** Hostile text back to its harmless twin, so answers from the two lakes compare. */
function toHarmless(value: unknown): unknown {
  if (typeof value === 'string') {
    let text = value.replaceAll(HOSTILE, '');
    for (const hostile of Object.values(BYSTANDER_HOSTILE))
      text = text.replaceAll(hostile, harmless(hostile));
    return text;
  }
  if (Array.isArray(value)) return value.map(toHarmless);
  if (value instanceof Date) return value;
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, toHarmless(item)]));
  }
  return value;
}

/** What must agree between the lakes; ids that hash the actor (finding_id) differ by design. */
function comparable(finding: Finding): Record<string, unknown> {
  const { finding_id: _id, detected_at: _at, ...rest } = finding as Finding & Record<string, unknown>;
  return toHarmless(rest) as Record<string, unknown>;
}

async function answersFor(fixtureCase: FixtureCase, detector: Detector, hostile: boolean): Promise<Answers> {
  const employees: EmployeeRow[] = fixtureCase.employees.map((row) =>
    hostile ? withSuffix(row, EMPLOYEE_IDENTITIES) : row,
  );
  const events = [
    ...fixtureCase.events.map(({ record }) => (hostile ? withSuffix(record, EVENT_IDENTITIES) : record)),
    ...bystanderEvents(hostile, fixtureCase.run.from.toISOString().slice(0, 10)),
  ];
  const latest = Math.max(...events.map((event) => Date.parse(String(event.event_time))));
  const lake = await FixtureLake.create(employees, events, {
    now: new Date(Math.max(latest, fixtureCase.run.to.getTime())),
  });
  const engine = await openDuckDbEngine({ lakeDir: lake.dir, threads: 1 });
  try {
    const findings: Finding[] = [];
    const sink: FindingSink = { name: 'test', publish: async (batch) => void findings.push(...batch) };
    const state = new MemoryStateStore();
    const report = await runDetectors(
      {
        detectors: [detector],
        mode: { kind: 'backfill', ...fixtureCase.run },
        overrides: caseParamOverrides(fixtureCase, detector),
      },
      {
        engine,
        watermarks: state,
        dedup: state,
        sinks: [sink],
        rollups: await localRollups(engine, lake.dir, ROLLUPS_DIR),
        clock: () => fixtureCase.run.to,
      },
    );
    expect(report.detectors.map((run) => run.error)).toEqual([undefined]);
    const ordered = [...findings].sort((a, b) =>
      `${toHarmless(a.actor_id)}${a.window_start}`.localeCompare(
        `${toHarmless(b.actor_id)}${b.window_start}`,
      ),
    );
    const reportData: unknown[] = [];
    const investigations: SqlRow[][] = [];
    for (const finding of ordered) {
      const { finding: _finding, ...data } = await queryFindingReportData(engine, finding, 30);
      reportData.push(data);
      const { rows } = await engine.query({ sql: investigationQuery(finding), label: 'investigation' });
      investigations.push(rows as SqlRow[]);
    }
    const [tableCounts] = (
      await engine.query({
        sql: 'SELECT (SELECT count(*) FROM audit_events) AS events, (SELECT count(*) FROM employees) AS employees',
        label: 'tables',
      })
    ).rows;
    return { findings: ordered, reportData, investigations, tableCounts: tableCounts ?? {} };
  } finally {
    await engine.close();
    await lake.remove();
  }
}

const catalog = await loadDetectorCatalog(DETECTORS_DIR);
const { cases } = await loadFixtureCases(CASES_DIR);
/** The first case of each shipped detector that must fire: every detector's SQL, with findings to compare. */
const CASES = catalog.detectors.flatMap((detector) => {
  const first = cases.find(
    (fixtureCase) => fixtureCase.detectorId === detector.id && isPositiveCase(fixtureCase),
  );
  return first ? [{ detector, fixtureCase: first }] : [];
});

describe('shipped detectors over hostile text', () => {
  it('covers every shipped detector', () => {
    expect(CASES.map(({ detector }) => detector.id)).toEqual(
      catalog.detectors.map((detector) => detector.id),
    );
  });

  it.each(
    CASES.map(({ detector, fixtureCase }) => [detector.id, fixtureCase.name, detector, fixtureCase] as const),
  )(
    '%s (%s): same findings, report data, investigation rows and tables as with harmless text',
    async (_id, _name, detector, fixtureCase) => {
      const plain = await answersFor(fixtureCase, detector, false);
      const hostile = await answersFor(fixtureCase, detector, true);

      expect(plain.findings.length).toBeGreaterThan(0);
      expect(hostile.findings.map(comparable)).toEqual(plain.findings.map(comparable));
      expect(toHarmless(hostile.reportData)).toEqual(plain.reportData);
      expect(toHarmless(hostile.investigations)).toEqual(plain.investigations);
      expect(hostile.tableCounts).toEqual(plain.tableCounts);
      expect(hostile.tableCounts).toEqual({
        events: fixtureCase.events.length + 60,
        employees: fixtureCase.employees.length,
      });
      // Findings name the actors as stored, hostile text and all.
      for (const finding of hostile.findings) {
        expect(finding.actor_id.endsWith(HOSTILE) || finding.actor_id === BYSTANDER_HOSTILE.actor_id).toBe(
          true,
        );
      }
    },
  );
});
