/**
 * The hostile-input corpus (`test/fixtures/hostile-events/`, one file per kind of bad input, listed
 * with its expected outcome in the README there) run through `auditlake ingest` into a fresh lake:
 * the counts always add up, every quarantined line says which field is at fault and why, the
 * expected lines are accepted, quarantined or counted as duplicates, and the command never crashes.
 * Each file runs through the command's `main` in this process (fast enough for a table); the whole
 * corpus also runs through a child process, exactly as a user would start it. Inputs too big to
 * commit (a 1 MB string, 100,000-deep nesting) are written by the test into a temp dir.
 */
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MAX_FIELD_LENGTH } from '../../lambdas/core/audit-event.ts';
import { runCliInProcess } from '../support/cli-in-process.ts';
import { type CliResult, runCli } from '../support/run-cli.ts';
import { rawEvent, readEvents } from './fixtures.ts';

const CORPUS_DIR = fileURLToPath(new URL('../fixtures/hostile-events', import.meta.url));

interface Counts {
  readonly received: number;
  readonly accepted: number;
  readonly quarantined: number;
  readonly duplicates: number;
}

/** A quarantined line: its line number, the field named, and how its reason starts. */
type QuarantinedLine = readonly [line: number, field: string, reason: string];

type CorpusCase =
  | { readonly file: string; readonly counts: Counts; readonly quarantine: readonly QuarantinedLine[] }
  /** The file as a whole cannot be events: the ingest stops with one line naming it. */
  | { readonly file: string; readonly refused: string };

const CORPUS: readonly CorpusCase[] = [
  {
    file: 'malformed-json.jsonl',
    counts: { received: 9, accepted: 1, quarantined: 8, duplicates: 0 },
    quarantine: [
      [2, '(record)', 'line is not valid JSON'],
      [3, '(record)', 'line is not valid JSON'],
      [4, '(record)', 'line is not valid JSON'],
      [5, '(record)', 'line is not valid JSON'],
      [6, '(record)', 'line is not valid JSON'],
      [7, '(record)', 'line is not valid JSON'],
      [8, '(record)', 'line is not valid JSON'],
      [9, '(record)', 'line is not valid JSON'],
    ],
  },
  {
    file: 'not-an-object.jsonl',
    counts: { received: 6, accepted: 1, quarantined: 5, duplicates: 0 },
    quarantine: [
      [2, '(record)', 'line is not a JSON object (got string)'],
      [3, '(record)', 'line is not a JSON object (got number)'],
      [4, '(record)', 'line is not a JSON object (got null)'],
      [5, '(record)', 'line is not a JSON object (got boolean)'],
      [6, '(record)', 'line is not a JSON object (got array)'],
    ],
  },
  { file: 'json-array.jsonl', refused: 'looks like a JSON document; expected JSON Lines' },
  { file: 'pretty-printed.json', refused: 'looks like a JSON document; expected JSON Lines' },
  {
    file: 'wrong-types.jsonl',
    counts: { received: 16, accepted: 2, quarantined: 14, duplicates: 0 },
    quarantine: [
      [1, 'actor_id', 'actor_id must be a string (got number)'],
      [2, 'event_id', 'event_id must be a string (got boolean)'],
      [3, 'resource_type', 'resource_type must be a string (got object)'],
      [4, 'resource_id', 'resource_id must be a string (got array)'],
      [5, 'event_time', 'event_time must be a string (got number)'],
      [6, 'outcome', 'outcome must be a string (got boolean)'],
      [7, 'record_count', 'record_count must be a whole number from 0 to 9007199254740991 (got "many")'],
      [8, 'record_count', 'record_count must be a whole number from 0 to 9007199254740991 (got -1)'],
      [9, 'record_count', 'record_count must be a whole number from 0 to 9007199254740991 (got 1.5)'],
      [10, 'bytes', 'bytes must be a whole number from 0 to 9007199254740991 (got boolean)'],
      [11, 'details', 'details must be a JSON object or the JSON text of one (got number)'],
      [12, 'details', 'details must be a JSON object or the JSON text of one (got array)'],
      [13, 'details', 'details must be a JSON object or the JSON text of one (got "export of 3 rows")'],
      [14, 'details', 'details must be a JSON object or the JSON text of one (got JSON array)'],
    ],
  },
  {
    file: 'missing-required.jsonl',
    counts: { received: 10, accepted: 1, quarantined: 9, duplicates: 0 },
    quarantine: [
      [1, 'event_id', 'event_id is required (a non-empty string)'],
      [2, 'event_time', 'event_time is required (a non-empty string)'],
      [3, 'actor_id', 'actor_id is required (a non-empty string)'],
      [4, 'actor_type', 'actor_type is required (a non-empty string)'],
      [5, 'action', 'action is required (a non-empty string)'],
      [6, 'resource_type', 'resource_type is required (a non-empty string)'],
      [7, 'source_system', 'source_system is required (a non-empty string)'],
      [8, 'outcome', 'outcome is required (a non-empty string)'],
      [9, 'event_time', 'event_time is required (a non-empty string)'],
    ],
  },
  {
    file: 'blank-required.jsonl',
    counts: { received: 6, accepted: 1, quarantined: 5, duplicates: 0 },
    quarantine: [
      [1, 'actor_id', 'actor_id is required (a non-empty string)'],
      [2, 'actor_id', 'actor_id is required (a non-empty string)'],
      [3, 'source_system', 'source_system is required (a non-empty string)'],
      [4, 'resource_type', 'resource_type is required (a non-empty string)'],
      [5, 'event_time', 'event_time is required (a non-empty string)'],
    ],
  },
  {
    file: 'unknown-enum-values.jsonl',
    counts: { received: 8, accepted: 1, quarantined: 7, duplicates: 0 },
    quarantine: [
      [1, 'action', 'action must be one of'],
      [2, 'action', 'action must be one of'],
      [3, 'action', 'action must be one of'],
      [4, 'action', 'action must be one of'],
      [5, 'actor_type', 'actor_type must be one of human, service (got "robot")'],
      [6, 'actor_type', 'actor_type must be one of human, service'],
      [7, 'outcome', 'outcome must be one of success, failure, denied (got "ok")'],
    ],
  },
  {
    file: 'unknown-fields.jsonl',
    counts: { received: 5, accepted: 1, quarantined: 4, duplicates: 0 },
    quarantine: [
      [1, 'user_agent', 'unknown field "user_agent" (not a column of audit_events)'],
      [2, 'Event_ID', 'unknown field "Event_ID"'],
      [3, '__proto__', 'unknown field "__proto__"'],
      [4, 'constructor', 'unknown field "constructor"'],
    ],
  },
  {
    file: 'future-times.jsonl',
    counts: { received: 4, accepted: 1, quarantined: 3, duplicates: 0 },
    quarantine: [
      [1, 'event_time', 'event_time is more than 1 day after now (got "2099-01-01T00:00:00Z"'],
      [2, 'event_time', 'event_time is more than 1 day after now'],
      [3, 'event_time', 'event_time is not an ISO-8601 time'],
    ],
  },
  {
    file: 'before-2000.jsonl',
    counts: { received: 6, accepted: 2, quarantined: 4, duplicates: 0 },
    quarantine: [
      [1, 'event_time', 'event_time is before 2000-01-01 (got "1999-12-31T23:59:59.999Z")'],
      [2, 'event_time', 'event_time is before 2000-01-01'],
      [3, 'event_time', 'event_time is before 2000-01-01'],
      [4, 'event_time', 'event_time is before 2000-01-01'],
    ],
  },
  {
    file: 'time-formats.jsonl',
    counts: { received: 15, accepted: 7, quarantined: 8, duplicates: 0 },
    quarantine: [
      [8, 'event_time', 'event_time has no Z or offset, so its instant is unknown'],
      [9, 'event_time', 'event_time has an offset beyond ±18:00'],
      [10, 'event_time', 'event_time has an offset beyond ±18:00'],
      [11, 'event_time', 'event_time is not an ISO-8601 time'],
      [12, 'event_time', 'event_time is not an ISO-8601 time'],
      [13, 'event_time', 'event_time is not an ISO-8601 time'],
      [14, 'event_time', 'event_time is not an ISO-8601 time'],
      [15, 'event_time', 'event_time is not an ISO-8601 time'],
    ],
  },
  {
    file: 'leap-days-and-calendar.jsonl',
    counts: { received: 11, accepted: 4, quarantined: 7, duplicates: 0 },
    quarantine: [
      [5, 'event_time', 'event_time is not a real calendar date and time (got "2026-02-29T09:30:00Z")'],
      [6, 'event_time', 'event_time is not a real calendar date and time'],
      [7, 'event_time', 'event_time is not a real calendar date and time'],
      [8, 'event_time', 'event_time is not a real calendar date and time'],
      [9, 'event_time', 'event_time is not a real calendar date and time'],
      [10, 'event_time', 'event_time is not a real calendar date and time'],
      [11, 'event_time', 'event_time is not a real calendar date and time'],
    ],
  },
  {
    file: 'nul-bytes.jsonl',
    counts: { received: 6, accepted: 1, quarantined: 5, duplicates: 0 },
    quarantine: [
      [1, '(record)', 'line is not valid JSON'],
      [2, '(record)', 'line is not valid JSON'],
      [3, '(record)', 'line is not valid JSON'],
      [4, 'actor_id', 'actor_id contains a control character (U+0000)'],
      [5, 'details', 'details contains a control character (U+0000)'],
    ],
  },
  {
    file: 'control-characters.jsonl',
    counts: { received: 9, accepted: 1, quarantined: 8, duplicates: 0 },
    quarantine: [
      [1, 'actor_id', 'actor_id contains a control character (U+001B)'],
      [2, 'resource_id', 'resource_id contains a control character (U+000A)'],
      [3, 'actor_id', 'actor_id contains a control character (U+0009)'],
      [4, 'source_system', 'source_system contains a control character (U+000D)'],
      [5, 'details', 'details contains a control character (U+0007)'],
      [6, 'event_id', 'event_id contains a control character (U+007F)'],
      [7, 'actor_id', 'actor_id contains a control character (U+009B)'],
      [8, 'device_id', 'device_id contains a control character (U+0085)'],
    ],
  },
  {
    file: 'invalid-utf8.jsonl',
    counts: { received: 9, accepted: 1, quarantined: 8, duplicates: 0 },
    quarantine: [
      [1, '(record)', 'line is not valid UTF-8'],
      [2, '(record)', 'line is not valid UTF-8'],
      [3, '(record)', 'line is not valid UTF-8'],
      [4, '(record)', 'line is not valid UTF-8'],
      [5, '(record)', 'line is not valid UTF-8'],
      [6, '(record)', 'line is not valid UTF-8'],
      [7, '(record)', 'line is not valid UTF-8'],
      [8, '(record)', 'line is not valid UTF-8'],
    ],
  },
  {
    file: 'lone-surrogates.jsonl',
    counts: { received: 4, accepted: 1, quarantined: 3, duplicates: 0 },
    quarantine: [
      [1, 'actor_id', 'actor_id contains an unpaired UTF-16 surrogate'],
      [2, 'resource_id', 'resource_id contains an unpaired UTF-16 surrogate'],
      [3, 'event_id', 'event_id contains an unpaired UTF-16 surrogate'],
    ],
  },
  {
    file: 'emoji-and-unicode.jsonl',
    counts: { received: 7, accepted: 7, quarantined: 0, duplicates: 0 },
    quarantine: [],
  },
  {
    file: 'duplicate-ids.jsonl',
    counts: { received: 9, accepted: 5, quarantined: 1, duplicates: 3 },
    quarantine: [[6, 'action', 'action must be one of']],
  },
  {
    file: 'duplicate-keys.jsonl',
    counts: { received: 4, accepted: 1, quarantined: 3, duplicates: 0 },
    quarantine: [
      [1, 'actor_id', 'field actor_id appears more than once in the object'],
      [2, 'event_id', 'field event_id appears more than once in the object'],
      [3, '\u001b[2J', 'field "\\u001b[2J" appears more than once in the object'],
    ],
  },
  {
    file: 'sql-fragments.jsonl',
    counts: { received: 7, accepted: 2, quarantined: 5, duplicates: 0 },
    quarantine: [
      [3, 'action', 'action must be one of'],
      [4, 'actor_type', 'actor_type must be one of'],
      [5, 'outcome', 'outcome must be one of'],
      [6, 'event_time', 'event_time is not an ISO-8601 time'],
      [7, 'record_count', 'record_count must be a whole number'],
    ],
  },
  {
    file: 'path-traversal-ids.jsonl',
    counts: { received: 6, accepted: 5, quarantined: 1, duplicates: 0 },
    quarantine: [[6, 'dt', 'dt must equal the UTC date of event_time, 2026-03-01 (got "../../../tmp")']],
  },
  {
    file: 'dt-mismatch.jsonl',
    counts: { received: 5, accepted: 1, quarantined: 4, duplicates: 0 },
    quarantine: [
      [1, 'dt', 'dt must equal the UTC date of event_time, 2026-03-01 (got "2026-03-02")'],
      [2, 'dt', 'dt must equal the UTC date of event_time'],
      [3, 'dt', 'dt must be a string (got number)'],
      [4, 'dt', 'dt must equal the UTC date of event_time, 2026-02-28'],
    ],
  },
  {
    file: 'number-edges.jsonl',
    counts: { received: 11, accepted: 5, quarantined: 6, duplicates: 0 },
    quarantine: [
      [6, 'record_count', 'record_count must be a whole number from 0 to 9007199254740991 (got Infinity)'],
      [7, 'bytes', 'bytes must be a whole number'],
      [8, 'record_count', 'record_count must be a whole number'],
      [9, 'record_count', 'record_count must be a whole number'],
      [10, 'record_count', 'record_count must be a whole number'],
      [11, 'record_count', 'record_count must be a whole number'],
    ],
  },
  {
    file: 'bom-crlf-blank-lines.jsonl',
    counts: { received: 3, accepted: 3, quarantined: 0, duplicates: 0 },
    quarantine: [],
  },
  {
    file: 'empty.jsonl',
    counts: { received: 0, accepted: 0, quarantined: 0, duplicates: 0 },
    quarantine: [],
  },
  {
    file: 'html-shell-and-templates.jsonl',
    counts: { received: 4, accepted: 4, quarantined: 0, duplicates: 0 },
    quarantine: [],
  },
  {
    file: 'formula-injection.jsonl',
    counts: { received: 2, accepted: 2, quarantined: 0, duplicates: 0 },
    quarantine: [],
  },
  {
    file: 'formula-injection.csv',
    counts: { received: 5, accepted: 4, quarantined: 1, duplicates: 0 },
    quarantine: [[6, 'resource_id', 'resource_id contains a control character (U+0009)']],
  },
  {
    file: 'sql-fragments.csv',
    counts: { received: 2, accepted: 1, quarantined: 1, duplicates: 0 },
    quarantine: [[3, 'action', 'action must be one of']],
  },
  {
    file: 'malformed.csv',
    counts: { received: 9, accepted: 3, quarantined: 6, duplicates: 0 },
    quarantine: [
      [3, '(record)', 'row has the wrong number of fields (3, the header has 16)'],
      [4, '(record)', 'row has the wrong number of fields (17, the header has 16)'],
      [5, '(record)', 'row is not valid CSV: a quote inside an unquoted field'],
      [6, '(record)', 'row is not valid CSV: a closing quote must be followed by a comma'],
      [7, 'resource_id', 'resource_id contains a control character (U+000A)'],
      [10, '(record)', 'row has an unclosed quoted field'],
    ],
  },
  {
    file: 'wrong-types.csv',
    counts: { received: 7, accepted: 1, quarantined: 6, duplicates: 0 },
    quarantine: [
      [2, 'record_count', 'record_count must be a whole number from 0 to 9007199254740991 (got "1.5")'],
      [3, 'record_count', 'record_count must be a whole number'],
      [4, 'bytes', 'bytes must be a whole number from 0 to 9007199254740991 (got "1,000")'],
      [5, 'event_time', 'event_time has no Z or offset'],
      [6, 'actor_id', 'actor_id is required (a non-empty string)'],
      [7, 'details', 'details must be a JSON object or the JSON text of one (got "not json")'],
    ],
  },
  {
    file: 'nul-bytes.csv',
    counts: { received: 3, accepted: 1, quarantined: 2, duplicates: 0 },
    quarantine: [
      [2, 'actor_id', 'actor_id contains a control character (U+0000)'],
      [3, 'details', 'details contains a control character (U+0000)'],
    ],
  },
  {
    file: 'invalid-utf8.csv',
    counts: { received: 3, accepted: 1, quarantined: 2, duplicates: 0 },
    quarantine: [
      [2, '(record)', 'line is not valid UTF-8'],
      [3, '(record)', 'line is not valid UTF-8'],
    ],
  },
  { file: 'unknown-column.csv', refused: 'header column "user_agent" is not a column of audit_events' },
  { file: 'missing-column.csv', refused: 'header has no actor_id column (required)' },
  {
    file: 'control-characters-in-header.csv',
    refused: 'header column "\\u001b[2J\\u009b2Jevil" is not a column of audit_events',
  },
];

const INGESTED = CORPUS.filter((entry) => 'counts' in entry);
const REFUSED = CORPUS.filter((entry) => 'refused' in entry);

let dir: string;
let lake: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'auditlake-hostile-'));
  lake = join(dir, 'lake');
});
afterEach(() => rm(dir, { recursive: true, force: true }));

/** `auditlake ingest <files> --lake <lake>` through the command's own entry point. */
function ingestCommand(files: readonly string[]): Promise<CliResult> {
  return runCliInProcess(['ingest', ...files, '--lake', lake]);
}

/** The four counts as the command printed them. */
function printedCounts(stdout: string): Counts {
  const count = (name: string) => {
    const match = new RegExp(`^${name} +(\\d+)`, 'm').exec(stdout);
    if (!match) throw new Error(`no "${name}" line in:\n${stdout}`);
    return Number(match[1]);
  };
  return {
    received: count('received'),
    accepted: count('accepted'),
    quarantined: count('quarantined'),
    duplicates: count('duplicates'),
  };
}

interface QuarantineEntry {
  readonly file: string;
  readonly line: number;
  readonly field: string;
  readonly reason: string;
  readonly raw: string;
}

async function quarantineEntries(): Promise<QuarantineEntry[]> {
  const names = await readdir(join(lake, 'quarantine')).catch(() => []);
  const entries: QuarantineEntry[] = [];
  for (const name of names.filter((file) => file.endsWith('.jsonl'))) {
    const text = await readFile(join(lake, 'quarantine', name), 'utf8');
    for (const line of text.split('\n').filter(Boolean)) entries.push(JSON.parse(line) as QuarantineEntry);
  }
  return entries;
}

/** Every file under `root`, relative to it. */
async function filesUnder(root: string): Promise<string[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => relative(root, join(entry.parentPath, entry.name)))
    .sort();
}

// `digests/` holds the per-ingest digest files (see lambdas/ingest/ingest.ts).
const LAKE_FILE =
  /^(audit_events\/dt=\d{4}-\d{2}-\d{2}\/part-[\w-]+\.parquet|quarantine\/ingest-[\w-]+\.jsonl|digests\/[\d/]+\/[\w-]+\.json)$/;

/** Control characters other than the newline, which a terminal may act on. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point.
const TERMINAL_CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/;

/** What holds for any ingest, whatever its input. */
async function expectSoundIngest(result: CliResult): Promise<Counts> {
  expect(result.stderr).not.toMatch(/^\s+at /m);
  expect(result.stderr).not.toContain('--debug');
  // What the input held never reaches the terminal as control characters.
  expect(`${result.stdout}${result.stderr}`).not.toMatch(TERMINAL_CONTROL);
  const counts = printedCounts(result.stdout);
  expect(counts.received).toBe(counts.accepted + counts.quarantined + counts.duplicates);
  expect(result.code).toBe(counts.quarantined > 0 ? 2 : 0);
  const entries = await quarantineEntries();
  expect(entries).toHaveLength(counts.quarantined);
  for (const entry of entries) {
    expect(entry.reason.trim()).not.toBe('');
    expect(entry.reason).not.toContain('\n');
    expect(entry.field.trim()).not.toBe('');
    expect(entry.line).toBeGreaterThan(0);
  }
  // Only Parquet partitions and the quarantine file, whatever the ids and dt values said.
  for (const file of await filesUnder(lake)) expect(file).toMatch(LAKE_FILE);
  return counts;
}

const corpusFile = (name: string) => join(CORPUS_DIR, name);

describe('the hostile-input corpus', () => {
  it('has a case here and a row in its README for every file, and at least 30 kinds', async () => {
    const files = (await readdir(CORPUS_DIR)).filter((name) => name !== 'README.md').sort();
    const readme = await readFile(join(CORPUS_DIR, 'README.md'), 'utf8');

    expect(CORPUS.map((entry) => entry.file).sort()).toEqual(files);
    for (const file of files) expect(readme).toContain(`| \`${file}\` |`);
    expect(files.length + GENERATED_KINDS).toBeGreaterThanOrEqual(30);
  });
});

describe('auditlake ingest of each hostile file', () => {
  it.each(INGESTED)('$file: counts add up and each line has its expected outcome', async (entry) => {
    const result = await ingestCommand([corpusFile(entry.file)]);

    const counts = await expectSoundIngest(result);
    expect(counts).toEqual(entry.counts);
    const entries = await quarantineEntries();
    expect(entries.map(({ line, field }) => [line, field])).toEqual(
      entry.quarantine.map(([line, field]) => [line, field]),
    );
    for (const [index, [, , reason]] of entry.quarantine.entries()) {
      expect(
        entries[index]?.reason.startsWith(reason),
        `${entries[index]?.reason} starts with ${reason}`,
      ).toBe(true);
      expect(entries[index]?.file).toBe(corpusFile(entry.file));
    }
  });

  it.each(REFUSED)('$file: refused as a whole with one line naming it, nothing written', async (entry) => {
    const result = await ingestCommand([corpusFile(entry.file)]);

    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(result.stderr).toContain(`auditlake: ${corpusFile(entry.file)}: `);
    expect(result.stderr).toContain(entry.refused);
    // Escape sequences from the file never reach the terminal.
    expect(result.stderr).not.toMatch(TERMINAL_CONTROL);
    expect(await filesUnder(lake)).toEqual([]);
  });

  it('stores SQL, formula, path and emoji text exactly as received', async () => {
    const files = [
      'sql-fragments.jsonl',
      'formula-injection.csv',
      'path-traversal-ids.jsonl',
      'emoji-and-unicode.jsonl',
    ];
    await expectSoundIngest(await ingestCommand(files.map(corpusFile)));

    const stored = await readEvents(
      lake,
      'event_id, actor_id, resource_type, resource_id, source_system, source_ip, device_id, destination, justification_id',
    );
    const ids = stored.map((row) => row.event_id);
    expect(ids).toContain("sq-1'; DROP TABLE audit_events; --");
    expect(ids).toContain('../../../../etc/passwd');
    expect(stored.find((row) => row.event_id === "sq-1'; DROP TABLE audit_events; --")).toEqual({
      event_id: "sq-1'; DROP TABLE audit_events; --",
      actor_id: "' OR 1=1 --",
      resource_type: "customer_record'); DROP TABLE audit_events; --",
      resource_id: "\\' OR '1'='1",
      source_system: '$$ OR 1=1 $$',
      source_ip: ':window_start',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: template syntax as hostile data, not a template.
      device_id: '${window_end}',
      destination: "'||(SELECT count(*) FROM employees)||'",
      justification_id: '*/ UNION SELECT * FROM employees --',
    });
    expect(stored.find((row) => row.event_id === 'fi-1')?.resource_id).toBe("=cmd|' /C calc'!A0");
    expect(stored.find((row) => row.event_id === 'eu-2')?.resource_id).toBe('👨‍👩‍👧‍👦🏳️‍🌈');
  });
});

/** Kinds the test writes itself instead of committing: a 1 MB string, and 100,000-deep nesting. */
const GENERATED_KINDS = 2;

describe('auditlake ingest of generated hostile input', () => {
  const line = (overrides: Record<string, unknown>) => JSON.stringify(rawEvent(overrides));

  it('quarantines 1 MB strings by field and keeps a string at the length limit', async () => {
    const mega = 'A'.repeat(1 << 20);
    const file = join(dir, 'one-megabyte-strings.jsonl');
    await writeFile(
      file,
      [
        line({ event_id: 'mb-1', resource_id: mega }),
        line({ event_id: 'mb-2', details: JSON.stringify({ blob: mega }) }),
        line({ event_id: 'mb-3', actor_id: mega }),
        line({ event_id: 'mb-4', resource_id: 'B'.repeat(MAX_FIELD_LENGTH) }),
      ].join('\n'),
    );

    const result = await ingestCommand([file]);

    expect(await expectSoundIngest(result)).toEqual({
      received: 4,
      accepted: 1,
      quarantined: 3,
      duplicates: 0,
    });
    expect((await quarantineEntries()).map(({ field, reason }) => [field, reason])).toEqual([
      ['resource_id', `field resource_id is longer than ${MAX_FIELD_LENGTH} characters`],
      ['details', `field details is longer than ${MAX_FIELD_LENGTH} characters`],
      ['actor_id', `field actor_id is longer than ${MAX_FIELD_LENGTH} characters`],
    ]);
  });

  it('quarantines details nested too deep to write back as JSON, without crashing', async () => {
    let deepObject = '1';
    for (let depth = 0; depth < 100_000; depth++) deepObject = `{"a":${deepObject}}`;
    let deepText = '1';
    for (let depth = 0; depth < 10_000; depth++) deepText = `{"a":${deepText}}`;
    const file = join(dir, 'deep-nesting.jsonl');
    await writeFile(
      file,
      [
        line({ event_id: 'dn-1', details: '@' }).replace('"@"', deepObject),
        line({ event_id: 'dn-2', details: deepText }),
        `${'['.repeat(100_000)}${']'.repeat(100_000)}`,
      ].join('\n'),
    );

    const result = await ingestCommand([file]);

    expect(await expectSoundIngest(result)).toEqual({
      received: 3,
      accepted: 1,
      quarantined: 2,
      duplicates: 0,
    });
    expect((await quarantineEntries()).map(({ line, field, reason }) => [line, field, reason])).toEqual([
      [
        1,
        'details',
        'details must be a JSON object or the JSON text of one (got an object that cannot be written as JSON)',
      ],
      [3, '(record)', 'line is not a JSON object (got array)'],
    ]);
  });
});

describe('auditlake ingest of the whole corpus at once', () => {
  const files = INGESTED.map((entry) => corpusFile(entry.file));
  const sum = (key: keyof Counts) => INGESTED.reduce((total, entry) => total + entry.counts[key], 0);

  it('adds up across files in a child process, and a second ingest of the same files adds nothing', async () => {
    const first = await runCli(['ingest', ...files, '--lake', lake]);

    const counts = await expectSoundIngest(first);
    expect(counts.received).toBe(sum('received'));
    expect(counts.quarantined).toBe(sum('quarantined'));
    expect(counts.accepted + counts.duplicates).toBe(sum('accepted') + sum('duplicates'));
    expect(counts.accepted).toBeGreaterThan(0);
    expect(first.stdout).toMatch(/^quarantined +\d+ +→ .*quarantine\/ingest-[\w-]+\.jsonl$/m);

    const again = await runCli(['ingest', ...files, '--lake', lake]);

    const second = printedCounts(again.stdout);
    expect(second).toEqual({ ...counts, accepted: 0, duplicates: counts.accepted + counts.duplicates });
    expect(again.code).toBe(2);
    for (const file of await filesUnder(dir)) expect(file).toMatch(/^lake\//);
  });

  it('refuses the whole ingest, writing nothing, when one file of many cannot be events', async () => {
    const [refused] = REFUSED;
    if (!refused) throw new Error('the corpus has no refused file');

    const result = await runCli(['ingest', ...files, corpusFile(refused.file), '--lake', lake]);

    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      `auditlake: ${corpusFile(refused.file)}: line 1: ${refused.refused} (one event object per line)\n`,
    );
    expect(await filesUnder(lake)).toEqual([]);
  });
});
