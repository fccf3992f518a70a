/**
 * Each lint rule as a specification, in the cdk-nag style: SQL that complies and SQL that does
 * not, one describe block per rule id. One file, because every test file pays for loading the
 * Trino grammar.
 */
import { describe, expect, it } from 'vitest';
import { lintDetectorWith } from '../../lambdas/lint/detector-lint.ts';
import { detectorWith, lintRule, SCAN, sqlLine } from './lint-fixture.ts';

describe('unknown-param', () => {
  it('accepts built-in and declared parameters', () => {
    const sql = `SELECT actor_id ${SCAN} AND event_time >= :baseline_start AND record_count >= :min_records`;

    expect(lintRule('unknown-param', sql, { params: { min_records: 100 } })).toEqual([]);
  });

  it('flags an undeclared parameter on its line and suggests the close name', () => {
    const sql = `SELECT actor_id ${SCAN}\n  AND record_count >= :min_record`;

    const issues = lintRule('unknown-param', sql, { params: { min_records: 100 } });

    expect(issues).toMatchObject([{ line: sqlLine(2), severity: 'error' }]);
    expect(issues[0]?.message).toContain('unknown parameter :min_record (did you mean :min_records?)');
    expect(issues[0]?.message).toContain('declare it under params:');
  });

  it('does not read a :name inside a string or a comment as a parameter', () => {
    const sql = `SELECT actor_id, 'at 10:30 :oops' AS summary ${SCAN} -- :also_not`;

    expect(lintRule('unknown-param', sql)).toEqual([]);
  });

  it('reports each unknown parameter once and still checks the rest of the query', () => {
    const sql = `SELECT actor_id, current_date ${SCAN} AND x = :nope AND y = :nope`;

    const issues = lintRule('unknown-param', sql);

    expect(issues).toHaveLength(1);
    expect(lintRule('no-wall-clock', sql)).toHaveLength(1);
  });
});

describe('param-value', () => {
  it('accepts header defaults that render as literals', () => {
    const sql = `SELECT actor_id ${SCAN} AND ratio > :min_ratio AND action IN (:action)`;

    expect(lintRule('param-value', sql, { params: { min_ratio: 1.5, action: "it's" } })).toEqual([]);
  });

  it('flags a default too large for a bigint where it is used', () => {
    const sql = `SELECT actor_id ${SCAN}\n  AND bytes > :huge`;

    const issues = lintRule('param-value', sql, { params: { huge: 1e20 } });

    expect(issues).toMatchObject([{ line: sqlLine(2), severity: 'error' }]);
    expect(issues[0]?.message).toContain('too large for a bigint; change its default under params:');
  });
});

describe('trino-syntax', () => {
  it('accepts a Trino query', () => {
    const sql = `SELECT actor_id, CAST(count(*) AS varchar) AS summary ${SCAN} AND "action" LIKE 'ex%' GROUP BY actor_id`;

    expect(lintRule('trino-syntax', sql)).toEqual([]);
  });

  it('flags a syntax error on its file line, quoting where it is', () => {
    const sql = `SELECT actor_id\n${SCAN}\n  AND (record_count > 1\nGROUP BY actor_id`;

    const issues = lintRule('trino-syntax', sql);

    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ line: sqlLine(4), severity: 'error' });
    expect(issues[0]?.message).toMatch(
      /^not valid Trino SQL at "GROUP BY actor_id": .*Athena would reject the query/,
    );
  });

  it.each([
    ['a :: cast', `SELECT record_count::bigint ${SCAN}`, 'write CAST(x AS type)'],
    ['ILIKE', `SELECT actor_id ${SCAN} AND action ILIKE 'ex%'`, "write lower(x) LIKE lower('pattern')"],
    ['==', `SELECT actor_id ${SCAN} AND action == 'export'`, 'write ='],
  ])('explains %s, a DuckDB habit Trino rejects', (_, sql, advice) => {
    const issues = lintRule('trino-syntax', sql);

    expect(issues).toHaveLength(1);
    expect(issues[0]?.message).toContain(advice);
  });

  it('flags a backquoted identifier, which the grammar reads but Trino rejects', () => {
    const sql = `SELECT \`actor_id\` ${SCAN}`;

    const issues = lintRule('trino-syntax', sql);

    expect(issues).toMatchObject([{ line: sqlLine(1) }]);
    expect(issues[0]?.message).toContain('write "actor_id" (double quotes)');
  });
});

describe('single-query', () => {
  it('accepts one WITH … SELECT, with or without a final semicolon', () => {
    const sql = `WITH e AS (SELECT actor_id ${SCAN}) SELECT actor_id FROM e;`;

    expect(lintRule('single-query', sql)).toEqual([]);
  });

  it('flags a second statement on its line', () => {
    const sql = `SELECT actor_id ${SCAN};\nSELECT 1`;

    const issues = lintRule('single-query', sql);

    expect(issues).toMatchObject([{ line: sqlLine(2), severity: 'error' }]);
    expect(issues[0]?.message).toContain('found 2 statements; a detector is exactly one query');
  });

  it.each([
    ['INSERT INTO', `INSERT INTO findings SELECT actor_id ${SCAN}`],
    ['DELETE FROM', 'DELETE FROM audit_events'],
    ['CREATE TABLE', `CREATE TABLE x AS SELECT actor_id ${SCAN}`],
    ['SET SESSION', "SET SESSION query_max_run_time = '1h'"],
  ])('flags %s, which is not a query', (kind, sql) => {
    const issues = lintRule('single-query', sql);

    expect(issues).toHaveLength(1);
    expect(issues[0]?.message).toBe(
      `${kind} is not a query; a detector is one read-only SELECT (or WITH … SELECT) whose rows are the findings`,
    );
  });
});

describe('no-wall-clock', () => {
  it('accepts a query bounded by the window parameters', () => {
    const sql = `SELECT actor_id ${SCAN} AND event_time >= :window_start AND event_time < :window_end`;

    expect(lintRule('no-wall-clock', sql)).toEqual([]);
  });

  it.each(['current_timestamp', 'current_date', 'current_time', 'localtimestamp', 'localtime', 'now()'])(
    'flags %s and points to the window parameters',
    (clock) => {
      const sql = `SELECT actor_id ${SCAN}\n  AND event_time > ${clock} - INTERVAL '1' HOUR`;

      const issues = lintRule('no-wall-clock', sql);

      expect(issues).toMatchObject([{ line: sqlLine(2), severity: 'error' }]);
      expect(issues[0]?.message).toContain(`${clock} reads the wall clock`);
      expect(issues[0]?.message).toContain('use :window_end / :window_start');
    },
  );

  it('does not flag current_timestamp inside a comment or a string', () => {
    const sql = `-- current_timestamp would make reruns differ\nSELECT actor_id, 'not now() or current_timestamp' AS summary ${SCAN}`;

    expect(lintRule('no-wall-clock', sql)).toEqual([]);
  });
});

describe('timestamp-offset', () => {
  it.each([
    "from_iso8601_timestamp('2026-01-01T10:00:00+02:00')",
    "TIMESTAMP '2026-01-01 10:00:00'",
    "CAST('2026-01-01 10:00:00' AS TIMESTAMP)",
    "CAST('2026-01-01 10:00:00+02:00' AS TIMESTAMP WITH TIME ZONE)",
  ])('accepts %s', (value) => {
    expect(lintRule('timestamp-offset', `SELECT actor_id ${SCAN} AND event_time >= ${value}`)).toEqual([]);
  });

  it.each([
    ["CAST('2026-01-01 10:00:00+02:00' AS TIMESTAMP)", "from_iso8601_timestamp('2026-01-01T10:00:00+02:00')"],
    ["TRY_CAST('2026-01-01T10:00:00Z' AS timestamp(3))", "from_iso8601_timestamp('2026-01-01T10:00:00Z')"],
    ["TIMESTAMP '2026-01-01 10:00:00 +02:00'", "from_iso8601_timestamp('2026-01-01T10:00:00+02:00')"],
  ])('flags %s, whose offset DuckDB drops', (value, advice) => {
    const sql = `SELECT actor_id ${SCAN}\n  AND event_time >= ${value}`;

    const issues = lintRule('timestamp-offset', sql);

    expect(issues).toMatchObject([{ line: sqlLine(2), severity: 'error' }]);
    expect(issues[0]?.message).toContain(`use ${advice}`);
  });

  it('flags a timestamp literal with a zone name', () => {
    const sql = `SELECT actor_id ${SCAN} AND event_time >= TIMESTAMP '2026-01-01 10:00:00 Europe/Berlin'`;

    expect(lintRule('timestamp-offset', sql)[0]?.message).toContain(
      'names the time zone Europe/Berlin, which DuckDB drops; write the UTC time without a zone',
    );
  });

  it('checks the value a string parameter renders to', () => {
    const sql = `SELECT actor_id ${SCAN} AND event_time >= CAST(:since AS TIMESTAMP)`;

    const issues = lintRule('timestamp-offset', sql, { params: { since: '2026-01-01T00:00:00Z' } });

    expect(issues[0]?.message).toMatch(/^CAST\(:since AS TIMESTAMP\) has the offset Z/);
  });
});

describe('at-time-zone', () => {
  it('accepts at_timezone', () => {
    const sql = `SELECT actor_id, at_timezone(event_time, 'Europe/Berlin') AS local_time ${SCAN}`;

    expect(lintRule('at-time-zone', sql)).toEqual([]);
  });

  it('flags AT TIME ZONE and writes the at_timezone call to use instead', () => {
    const sql = `SELECT actor_id,\n  event_time AT TIME ZONE 'Europe/Berlin' AS local_time ${SCAN}`;

    const issues = lintRule('at-time-zone', sql);

    expect(issues).toMatchObject([{ line: sqlLine(2), severity: 'error' }]);
    expect(issues[0]?.message).toContain("use at_timezone(event_time, 'Europe/Berlin')");
  });
});

describe('integer-division', () => {
  it.each(['7 / 2.0', 'CAST(count(*) AS DOUBLE) / :min_records', 'sum(bytes) / count(*)', ':min_ratio / 2'])(
    'accepts %s (a fraction, or an operand whose type needs the schema)',
    (expression) => {
      const sql = `SELECT actor_id, ${expression} AS score ${SCAN} GROUP BY actor_id`;

      expect(lintRule('integer-division', sql, { params: { min_records: 100, min_ratio: 1.5 } })).toEqual([]);
    },
  );

  it('flags a division of two integer literals', () => {
    const sql = `SELECT actor_id,\n  7/2 AS score ${SCAN}`;

    const issues = lintRule('integer-division', sql);

    expect(issues).toMatchObject([{ line: sqlLine(2), severity: 'error' }]);
    expect(issues[0]?.message).toBe(
      '7/2 divides two integers, which Athena truncates (7 / 2 is 3); for a fraction write 7 / 2.0',
    );
  });

  it('flags a count divided by an integer parameter, quoting the parameter as written', () => {
    const sql = `SELECT actor_id, count(*) / :min_records AS score ${SCAN} GROUP BY actor_id`;

    const issues = lintRule('integer-division', sql, { params: { min_records: 100 } });

    expect(issues[0]?.message).toContain('for a fraction write CAST(count(*) AS DOUBLE) / :min_records');
  });
});

describe('portable-functions', () => {
  it('accepts functions in the portable set, in any case', () => {
    const sql = `SELECT actor_id, COUNT(*), Lower(action), approx_percentile(bytes, 0.5) ${SCAN} GROUP BY actor_id`;

    expect(lintRule('portable-functions', sql)).toEqual([]);
  });

  it('flags a function outside the set on its line', () => {
    const sql = `SELECT actor_id,\n  levenshtein_distance(action, 'export') AS d ${SCAN}`;

    const issues = lintRule('portable-functions', sql);

    expect(issues).toMatchObject([{ line: sqlLine(2), severity: 'error' }]);
    expect(issues[0]?.message).toContain(
      'levenshtein_distance is not in the portable set (see docs/detectors.md); it may not exist or may behave differently on Athena and DuckDB',
    );
  });

  it.each([
    ['dow(event_time)', 'day_of_week'],
    ['dayofweek(event_time)', 'day_of_week'],
    ["datediff('day', first_seen, event_time)", "date_diff('day', start, end)"],
    ["strftime(event_time, '%H')", 'format_datetime'],
    ["list_contains(ARRAY['a'], action)", 'contains(array, value)'],
    ["string_split(action, ',')", 'split(text, delimiter)'],
    ['epoch(event_time)', 'to_unixtime(ts)'],
    ['approx_quantile(bytes, 0.5)', 'approx_percentile'],
    ['quantile(bytes, 0.5)', 'approx_percentile'],
    ['median(bytes)', 'approx_percentile'],
  ])('flags %s and names %s instead', (call, instead) => {
    const issues = lintRule('portable-functions', `SELECT actor_id, ${call} AS x ${SCAN}`);

    expect(issues).toHaveLength(1);
    expect(issues[0]?.message).toContain(`write ${instead}`);
  });

  it('suggests a replacement only if the replacement is itself portable', () => {
    const detector = detectorWith(`SELECT actor_id, strftime(event_time, '%H') AS h ${SCAN}`);

    const issues = lintDetectorWith(detector, { portableFunctions: new Set(['hour']) });

    expect(issues.find((issue) => issue.rule === 'portable-functions')?.message).toBe(
      'strftime is not in the portable set (it is missing on one engine or means something else there); write hour(ts), day_of_week(ts) or date_trunc(unit, ts) for the part you need',
    );
  });

  it('leaves now() to no-wall-clock, so it is reported once', () => {
    const sql = `SELECT actor_id ${SCAN} AND event_time < now()`;

    expect(lintRule('portable-functions', sql)).toEqual([]);
    expect(lintRule('no-wall-clock', sql)).toHaveLength(1);
  });

  it('checks syntax forms such as LISTAGG against the set', () => {
    const sql = `SELECT actor_id, listagg(action, ',') WITHIN GROUP (ORDER BY action) ${SCAN} GROUP BY actor_id`;

    expect(lintRule('portable-functions', sql)[0]?.message).toMatch(/^listagg is not in the portable set/);
  });
});

const unconstrained = (line: number, dt = 'dt') =>
  `audit_events scan at line ${line} is not constrained on dt; add ${dt} BETWEEN :window_start_dt AND :window_end_dt (or :baseline_start_dt) so Athena reads only the partitions it needs`;

describe('partition-filter', () => {
  it.each([
    [
      'BETWEEN the window partitions',
      'SELECT actor_id FROM audit_events WHERE dt BETWEEN :window_start_dt AND :window_end_dt',
    ],
    [
      'an alias',
      'SELECT e.actor_id FROM audit_events e WHERE e.dt BETWEEN :baseline_start_dt AND :window_end_dt',
    ],
    [
      'AS alias and reversed comparison',
      'SELECT e.actor_id FROM audit_events AS e WHERE :window_start_dt <= e.dt',
    ],
    ['IN', 'SELECT actor_id FROM audit_events WHERE dt IN (:window_start_dt, :window_end_dt)'],
    [
      'a schema-qualified table',
      'SELECT actor_id FROM auditlake.audit_events WHERE audit_events.dt = :window_end_dt',
    ],
    [
      'a nested AND',
      "SELECT actor_id FROM audit_events WHERE (action = 'export' AND (dt >= :window_start_dt))",
    ],
    ['quoted names', 'SELECT actor_id FROM "audit_events" WHERE "dt" = :window_end_dt'],
    [
      'the ON of an inner join',
      'SELECT e.actor_id FROM employees m JOIN audit_events e ON e.actor_id = m.employee_id AND e.dt = :window_end_dt',
    ],
    [
      'the ON of a left join on its outer side',
      'SELECT m.employee_id FROM employees m LEFT JOIN audit_events e ON e.actor_id = m.employee_id AND e.dt = :window_end_dt',
    ],
    [
      'a subquery in the WHERE',
      'SELECT employee_id FROM employees WHERE employee_id IN (SELECT actor_id FROM audit_events WHERE dt = :window_end_dt)',
    ],
  ])('accepts a scan bounded on dt through %s', (_, sql) => {
    expect(lintRule('partition-filter', sql)).toEqual([]);
  });

  it('flags a scan with no dt condition', () => {
    const issues = lintRule('partition-filter', "SELECT actor_id FROM audit_events WHERE action = 'export'");

    expect(issues).toEqual([
      expect.objectContaining({ line: sqlLine(1), severity: 'error', message: unconstrained(sqlLine(1)) }),
    ]);
  });

  it('flags a CTE that scans audit_events without dt, even if the outer query filters dt', () => {
    const sql = [
      'WITH events AS (',
      '  SELECT actor_id, dt FROM audit_events',
      ')',
      'SELECT actor_id FROM events WHERE dt = :window_end_dt',
    ].join('\n');

    expect(lintRule('partition-filter', sql)).toMatchObject([
      { line: sqlLine(2), message: unconstrained(sqlLine(2)) },
    ]);
  });

  it('flags the side of a self-join that lacks dt, naming its line', () => {
    const sql = [
      'SELECT a.actor_id',
      'FROM audit_events a',
      'JOIN audit_events b ON b.actor_id = a.actor_id',
      'WHERE a.dt BETWEEN :window_start_dt AND :window_end_dt',
    ].join('\n');

    expect(lintRule('partition-filter', sql)).toMatchObject([
      { line: sqlLine(3), message: unconstrained(sqlLine(3), 'b.dt') },
    ]);
  });

  it.each([
    ['under OR', "SELECT actor_id FROM audit_events WHERE dt = :window_end_dt OR action = 'export'"],
    [
      'with NOT BETWEEN',
      'SELECT actor_id FROM audit_events WHERE dt NOT BETWEEN :window_start_dt AND :window_end_dt',
    ],
    ['with <>', 'SELECT actor_id FROM audit_events WHERE dt <> :window_end_dt'],
    ['on another alias', 'SELECT e.actor_id FROM audit_events e, employees m WHERE m.dt = :window_end_dt'],
    ['against another column', 'SELECT e.actor_id FROM audit_events e JOIN days d ON e.dt = d.dt'],
    ['in a function', 'SELECT actor_id FROM audit_events WHERE date(dt) = DATE :window_end_dt'],
    [
      'in the ON of a left join on its preserved side',
      'SELECT e.actor_id FROM audit_events e LEFT JOIN employees m ON m.employee_id = e.actor_id AND e.dt = :window_end_dt',
    ],
    [
      'in an outer query only',
      'SELECT actor_id FROM (SELECT actor_id, dt FROM audit_events) x WHERE x.dt = :window_end_dt',
    ],
    ['in a scalar subquery', 'SELECT (SELECT count(*) FROM audit_events) AS n FROM employees'],
  ])('flags a dt condition that does not bound the scan: %s', (_, sql) => {
    expect(lintRule('partition-filter', sql)).toHaveLength(1);
  });

  it('flags each branch of a UNION on its own', () => {
    const sql = [
      'SELECT actor_id FROM audit_events WHERE dt = :window_end_dt',
      'UNION ALL',
      'SELECT actor_id FROM audit_events',
    ].join('\n');

    expect(lintRule('partition-filter', sql)).toMatchObject([{ line: sqlLine(3) }]);
  });

  it('flags TABLE audit_events', () => {
    expect(lintRule('partition-filter', 'TABLE audit_events')[0]?.message).toContain('reads every partition');
  });
});

describe('select-star', () => {
  it('accepts named columns, count(*) and a star over a CTE', () => {
    const sql = `WITH e AS (SELECT actor_id, count(*) AS n ${SCAN} GROUP BY actor_id) SELECT * FROM e`;

    expect(lintRule('select-star', sql)).toEqual([]);
  });

  it('accepts the star of another table joined with audit_events', () => {
    const sql = `SELECT m.*, a.actor_id FROM audit_events a JOIN employees m ON m.employee_id = a.actor_id WHERE a.dt = :window_end_dt`;

    expect(lintRule('select-star', sql)).toEqual([]);
  });

  it('warns about SELECT * from audit_events', () => {
    const sql = `SELECT *\n${SCAN}`;

    const issues = lintRule('select-star', sql);

    expect(issues).toMatchObject([{ line: sqlLine(1), severity: 'warning' }]);
    expect(issues[0]?.message).toContain('SELECT * reads every column of audit_events');
  });

  it('warns about the alias star of audit_events in a join', () => {
    const sql = `SELECT a.*, m.department FROM audit_events a JOIN employees m ON m.employee_id = a.actor_id WHERE a.dt = :window_end_dt`;

    expect(lintRule('select-star', sql)[0]?.message).toMatch(
      /^SELECT a\.\* reads every column of audit_events/,
    );
  });
});

describe('redacted-column', () => {
  it('accepts aggregates, ids and columns only a CTE selects', () => {
    const sql = `WITH e AS (SELECT actor_id, resource_id AS customer_email ${SCAN}) SELECT actor_id, count(*) AS records, max(employee_email) AS employee_email FROM e GROUP BY actor_id`;

    expect(lintRule('redacted-column', sql)).toEqual([]);
  });

  it('warns about a result column the redaction list matches, on its line', () => {
    const sql = `SELECT actor_id,\n  max(resource_id) AS customer_email,\n  contact_phone\n${SCAN}`;

    const issues = lintRule('redacted-column', sql);

    expect(issues).toMatchObject([
      { line: sqlLine(2), severity: 'warning' },
      { line: sqlLine(3), severity: 'warning' },
    ]);
    expect(issues[0]?.message).toContain('the result column customer_email matches the redaction list');
  });
});

describe('unused-param', () => {
  it('accepts a header whose parameters are all used', () => {
    const sql = `SELECT actor_id ${SCAN} AND record_count >= :min_records`;

    expect(lintRule('unused-param', sql, { params: { min_records: 100 } })).toEqual([]);
  });

  it('warns, without a line, about a declared parameter the SQL never uses', () => {
    const sql = `SELECT actor_id ${SCAN}`;

    const issues = lintRule('unused-param', sql, { params: { min_records: 100 } });

    expect(issues).toMatchObject([{ line: undefined, severity: 'warning' }]);
    expect(issues[0]?.message).toContain(
      'parameter min_records is declared in the header but the SQL never uses it',
    );
  });

  it('does not count a use inside a comment', () => {
    const sql = `SELECT actor_id ${SCAN} -- AND record_count >= :min_records`;

    expect(lintRule('unused-param', sql, { params: { min_records: 100 } })).toHaveLength(1);
  });
});
