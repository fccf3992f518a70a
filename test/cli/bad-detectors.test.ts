/**
 * One broken detector or config file, in a copy of the shipped `queries/`: `auditlake lint`,
 * `detectors list` and `run` each say what is wrong in one line naming the file and the field, exit
 * non-zero where the problem is theirs to report, print no stack trace, and the other detectors
 * still list and run (a planted off-hours export is still found). The CDK side, which decides at
 * synth what gets scheduled, refuses the same folder with one line per problem.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadQueriesRegistry } from '../../infra/queries-registry.ts';
import { buildAuditlakeApp } from '../infra/support/infra-app.ts';
import { runCliInProcess } from '../support/cli-in-process.ts';
import { FixtureLake } from '../support/fixture-lake.ts';
import type { CliResult } from '../support/run-cli.ts';

const SHIPPED_QUERIES = fileURLToPath(new URL('../../queries', import.meta.url));

/** The detector each breakage is applied to: hourly, so `run` reaches its SQL in a one-hour range. */
const BROKEN_ID = 'activity-after-termination';
/** The detector whose finding shows the rest still ran. */
const WITNESS_ID = 'off-hours-export';

/** A Saturday export by a day worker in Berlin: `off-hours-export` flags it (see its fixture case). */
const RUN_RANGE = ['--from', '2026-03-21T10:00:00Z', '--to', '2026-03-21T11:00:00Z'];

let root: string;
let lake: FixtureLake;
beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'auditlake-bad-detectors-'));
  lake = await FixtureLake.create(
    [{ employee_id: 'emp-b', department: 'Engineering' }],
    [
      {
        event_id: 'export-1',
        actor_id: 'emp-b',
        event_time: '2026-03-21T10:00:00Z',
        action: 'export',
        actor_type: 'human',
        resource_type: 'table',
        record_count: 5000,
        destination: 'usb',
        source_system: 'data-warehouse',
        outcome: 'success',
      },
    ],
  );
});
afterAll(async () => {
  await lake.remove();
  rmSync(root, { recursive: true, force: true });
});

let copies = 0;

/** A fresh copy of the shipped queries folder, with paths for the command options. */
function queriesCopy() {
  const dir = join(root, `queries-${++copies}`);
  cpSync(SHIPPED_QUERIES, dir, { recursive: true });
  const detectors = join(dir, 'detectors');
  const suppressions = join(dir, 'suppressions.yaml');
  const redaction = join(dir, 'redaction.yaml');
  const options = [
    ...['--queries', detectors, '--rollups', join(dir, 'rollups')],
    ...['--suppressions', suppressions, '--redaction', redaction],
  ];
  return {
    dir,
    detectors,
    suppressions,
    redaction,
    brokenFile: join(detectors, `${BROKEN_ID}.sql`),
    lint: () => runCliInProcess(['lint', ...options]),
    list: () => runCliInProcess(['detectors', 'list', '--queries', detectors]),
    run: () =>
      runCliInProcess([
        'run',
        '--lake',
        lake.dir,
        ...RUN_RANGE,
        ...options,
        '--state',
        join(dir, `state-${copies}.json`),
      ]),
  };
}
type QueriesCopy = ReturnType<typeof queriesCopy>;

function edit(file: string, change: (text: string) => string): void {
  const before = readFileSync(file, 'utf8');
  const after = change(before);
  if (after === before) throw new Error(`the edit did not change ${file}`);
  writeFileSync(file, after);
}

/** Lines of the command's output that name `file`, warnings left out. */
function linesNaming(result: CliResult, file: string): string[] {
  return `${result.stdout}${result.stderr}`
    .split('\n')
    .filter((line) => line.includes(file) && !/: warning \[/.test(line));
}

function expectNoStackTrace(result: CliResult): void {
  expect(result.stderr).not.toMatch(/^\s+at /m);
  expect(result.stderr).not.toContain('--debug');
}

/** `run` printed a finding of the witness detector, so the other detectors ran. */
function expectWitnessFinding(result: CliResult): void {
  expect(result.stdout).toMatch(new RegExp(`^✓ ${WITNESS_ID}: 1 window, 1 finding`, 'm'));
  expect(result.stdout).toMatch(/^HIGH|^CRITICAL|^MEDIUM|^LOW/m);
  expect(result.stdout).toContain('emp-b');
}

interface HeaderBreakage {
  readonly name: string;
  readonly field: string;
  readonly problem: string;
  readonly apply: (text: string) => string;
}

/** Breakages the header parser rejects: the detector does not load at all. */
const HEADER_BREAKAGES: readonly HeaderBreakage[] = [
  {
    name: 'a missing header',
    field: 'header',
    problem: 'missing: the file must start with a /* ... */ comment holding the YAML header',
    apply: (text) => text.slice(text.indexOf('*/') + 2),
  },
  {
    name: 'an unknown header key',
    field: 'header',
    problem: 'unknown field(s) colour',
    apply: (text) => text.replace('\nseverity:', '\ncolour: red\nseverity:'),
  },
  {
    name: 'a parameter of the wrong type',
    field: 'params.min_hours',
    problem: 'expected a string, number, boolean, or a non-empty list of strings or of numbers',
    apply: (text) => text.replace('\nschedule:', '\nparams:\n  min_hours: { at_least: 2 }\nschedule:'),
  },
  {
    name: 'a schedule that is not an EventBridge expression',
    field: 'schedule',
    problem: '"every hour" is not an EventBridge schedule: write rate(1 hour) or cron(0 * * * ? *)',
    apply: (text) => text.replace('schedule: rate(1 hour)', 'schedule: every hour'),
  },
  {
    name: 'a cron expression with an impossible minute',
    field: 'schedule',
    problem: 'cron(61 * * * ? *)',
    apply: (text) => text.replace('schedule: rate(1 hour)', 'schedule: cron(61 * * * ? *)'),
  },
];

describe.each(HEADER_BREAKAGES)('a detector with $name', (breakage) => {
  let queries: QueriesCopy;
  let line: string;
  beforeAll(() => {
    queries = queriesCopy();
    edit(queries.brokenFile, breakage.apply);
    line = `${queries.brokenFile}: ${breakage.field}: `;
  });

  it('fails lint with one line naming the file and field', async () => {
    const result = await queries.lint();

    expect(result.code).toBe(1);
    expectNoStackTrace(result);
    const named = linesNaming(result, queries.brokenFile);
    expect(named).toHaveLength(1);
    expect(named[0]).toContain(line);
    expect(named[0]).toContain(breakage.problem);
  });

  it('is reported by detectors list, which still lists the others', async () => {
    const result = await queries.list();

    expect(result.code).toBe(1);
    expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(result.stderr).toContain(`error: ${line}`);
    expect(result.stderr).toContain(breakage.problem);
    expect(result.stdout).toMatch(new RegExp(`^${WITNESS_ID} `, 'm'));
    expect(result.stdout).not.toMatch(new RegExp(`^${BROKEN_ID} `, 'm'));
  });

  it('is skipped by run, which still runs the others and exits non-zero', async () => {
    const result = await queries.run();

    expect(result.code).toBe(1);
    expectNoStackTrace(result);
    const named = linesNaming(result, queries.brokenFile);
    expect(named).toEqual([expect.stringContaining(`error: ${line}`)]);
    expect(named[0]).toContain('(detector skipped)');
    // Reported apart from the findings table, which stays machine-readable on stdout.
    expect(result.stderr).toContain(named[0]);
    expectWitnessFinding(result);
  });

  it('stops the synth with one line naming the file and field', async () => {
    const error = await loadQueriesRegistry(queries.dir).then(
      () => undefined,
      (thrown: unknown) => thrown,
    );

    expect(error).toBeInstanceOf(Error);
    const lines = (error as Error).message.split('\n');
    expect(lines[0]).toBe(`the queries folder ${queries.dir} has problems:`);
    expect(lines.slice(1)).toEqual([expect.stringContaining(line)]);
  });
});

/** Breakages the header accepts but the SQL does not survive: lint finds them, run fails that detector. */
const SQL_BREAKAGES = [
  {
    name: 'an unknown parameter in its SQL',
    rule: 'unknown-param',
    problem: 'unknown parameter :window_start_day',
    runProblem: 'unknown parameter :window_start_day',
    apply: (text: string) => text.replace(':window_start_dt', ':window_start_day'),
  },
  {
    name: 'SQL that does not parse',
    rule: 'trino-syntax',
    problem: '',
    runProblem: 'syntax error at or near "SELEC"',
    apply: (text: string) => text.replace(/\nSELECT\n/, '\nSELEC\n'),
  },
] as const;

describe.each(SQL_BREAKAGES)('a detector with $name', (breakage) => {
  let queries: QueriesCopy;
  beforeAll(() => {
    queries = queriesCopy();
    edit(queries.brokenFile, breakage.apply);
  });

  it('fails lint with one error line naming the file, its line and the rule', async () => {
    const result = await queries.lint();

    expect(result.code).toBe(1);
    expectNoStackTrace(result);
    const named = linesNaming(result, queries.brokenFile);
    expect(named).toHaveLength(1);
    expect(named[0]).toMatch(
      new RegExp(
        `^${escapeRegExp(queries.brokenFile)}:\\d+: error \\[${breakage.rule}\\] .*${escapeRegExp(breakage.problem)}`,
      ),
    );
  });

  it('is still listed: its header is fine', async () => {
    const result = await queries.list();

    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(new RegExp(`^${BROKEN_ID} `, 'm'));
  });

  it('fails alone in run, on one line, while the others still run', async () => {
    const result = await queries.run();

    expect(result.code).toBe(1);
    expectNoStackTrace(result);
    const failed = result.stdout.split('\n').filter((text) => text.startsWith(`✗ ${BROKEN_ID}: `));
    expect(failed).toHaveLength(1);
    expect(failed[0]).toContain(breakage.runProblem);
    expectWitnessFinding(result);
  });

  if (breakage.rule === 'unknown-param') {
    it('stops the synth with one line naming the file and the parameter', async () => {
      await expect(loadQueriesRegistry(queries.dir)).rejects.toThrow(
        new RegExp(
          `\\n  ${escapeRegExp(queries.brokenFile)}: sql: unknown parameter :window_start_day .*\\(line \\d+\\)$`,
        ),
      );
    });
  }
});

const SUPPRESSION_BREAKAGES = [
  {
    name: 'broken YAML',
    text: 'suppressions:\n  - detector: [off-hours-export\n    reason: x\n',
    problem: ': not valid YAML at line',
  },
  {
    name: 'an entry without a reason',
    text: 'suppressions:\n  - detector: off-hours-export\n    owner: secops@corp.example\n    expires: 2099-12-31\n',
    problem: ': entry 1: reason: is required (string)',
  },
  {
    name: 'an entry without an owner',
    text: 'suppressions:\n  - detector: off-hours-export\n    reason: On call\n    expires: 2099-12-31\n',
    problem: ': entry 1: owner: is required (string)',
  },
  {
    name: 'an entry without an expiry',
    text: 'suppressions:\n  - detector: off-hours-export\n    reason: On call\n    owner: secops@corp.example\n',
    problem: ': entry 1: expires: is required (string or date)',
  },
] as const;

describe.each(SUPPRESSION_BREAKAGES)('a suppressions file with $name', (breakage) => {
  let queries: QueriesCopy;
  beforeAll(() => {
    queries = queriesCopy();
    writeFileSync(queries.suppressions, breakage.text);
  });

  it.each(['lint', 'run'] as const)(
    'stops %s with one line naming the file and the entry, since what to mute is unknown',
    async (command) => {
      const result = await queries[command]();

      expect(result.code).toBe(1);
      expect(result.stderr.trimEnd().split('\n')).toEqual([
        expect.stringContaining(`auditlake: ${queries.suppressions}${breakage.problem}`),
      ]);
    },
  );

  it('does not affect detectors list', async () => {
    expect((await queries.list()).code).toBe(0);
  });

  it('stops the synth, so the bundle every detector invocation reads never holds it', async () => {
    await expect(loadQueriesRegistry(queries.dir)).rejects.toThrow(
      `\n  ${queries.suppressions}${breakage.problem}`,
    );
  });
});

describe('a redaction file that does not parse', () => {
  let queries: QueriesCopy;
  beforeAll(() => {
    queries = queriesCopy();
    writeFileSync(queries.redaction, 'redact:\n  - 42\n');
  });

  it.each(['lint', 'run'] as const)(
    'stops %s with one line naming the file and the entry, since what to hide is unknown',
    async (command) => {
      const result = await queries[command]();

      expect(result.code).toBe(1);
      expect(result.stderr.trimEnd().split('\n')).toEqual([
        expect.stringContaining(`auditlake: ${queries.redaction}: redact entry 1: `),
      ]);
    },
  );

  it('stops the synth, so the bundle every detector invocation reads never holds it', async () => {
    await expect(loadQueriesRegistry(queries.dir)).rejects.toThrow(
      `\n  ${queries.redaction}: redact entry 1: `,
    );
  });
});

describe('the CDK app over a queries folder with one broken detector', () => {
  it('is not built, and the error names the file and field on one line', async () => {
    const queries = queriesCopy();
    edit(queries.brokenFile, (text) => text.replace('schedule: rate(1 hour)', 'schedule: hourly'));

    await expect(buildAuditlakeApp({ queriesDir: queries.dir })).rejects.toThrow(
      `\n  ${queries.brokenFile}: schedule: "hourly" is not an EventBridge schedule`,
    );
  });

  it('schedules every active shipped detector once the file is fixed', async () => {
    const queries = queriesCopy();

    const built = await buildAuditlakeApp({ queriesDir: queries.dir });

    expect([...built.detection.runner.schedules.keys()]).toEqual(
      expect.arrayContaining([BROKEN_ID, WITNESS_ID]),
    );
  });
});

describe('the untouched copy of the shipped queries', () => {
  it('lints, lists, runs and synthesizes cleanly: the failures above come from the breakage', async () => {
    const queries = queriesCopy();

    expect((await queries.lint()).code).toBe(0);
    expect((await queries.list()).code).toBe(0);
    const run = await queries.run();
    expect(run.code).toBe(0);
    expectWitnessFinding(run);
    expect((await loadQueriesRegistry(queries.dir)).detectors.map((detector) => detector.id)).toContain(
      BROKEN_ID,
    );
  });
});

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
