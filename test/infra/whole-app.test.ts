/**
 * The app as `cdk synth` builds it, bundled, once for this file: cdk-nag's AwsSolutions pack over
 * both stacks, the acknowledgements it accepted, and the Lambda bundles.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { App, Stack, Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildAuditlakeApp, logicalIdOf, REPO_QUERIES_DIR, type TestApp } from './support/infra-app.ts';

const outdir = mkdtempSync(path.join(tmpdir(), 'auditlake-cdk-out-'));
let built: TestApp;

beforeAll(async () => {
  built = await buildAuditlakeApp({
    queriesDir: REPO_QUERIES_DIR,
    bundle: true,
    outdir,
    // Everything optional switched on, so every construct is checked.
    config: {
      alertEmails: [{ address: 'secops@example.com', minSeverity: 'high' }],
      opsEmails: ['platform@example.com'],
      ticketing: {
        provider: 'servicenow',
        secretName: 'auditlake/servicenow',
        servicenow: { instanceUrl: 'https://example.service-now.com' },
      },
    },
  });
  built.app.synth();
}, 120_000);

afterAll(() => rmSync(outdir, { recursive: true, force: true }));

function assetDirOf(construct: IConstruct): string {
  const stack = Stack.of(construct);
  const template = JSON.parse(readFileSync(path.join(outdir, `${stack.artifactId}.template.json`), 'utf8'));
  // The code object is `<asset hash>.zip`; the staged asset is `asset.<asset hash>`.
  const key: string = template.Resources[logicalIdOf(construct)].Properties.Code.S3Key;
  return path.join(outdir, `asset.${key.replace(/\.zip$/, '')}`);
}

interface SuppressedViolation {
  readonly ruleName: string;
  readonly acknowledgedId: string;
  readonly acknowledgedAt: string;
  readonly reason: string;
}

interface PluginReport {
  readonly pluginName: string;
  readonly conclusion: string;
  readonly violations: readonly unknown[];
  readonly suppressedViolations?: readonly SuppressedViolation[];
}

function nagReport(): PluginReport {
  const report = JSON.parse(readFileSync(path.join(outdir, 'validation-report.json'), 'utf8'));
  const reports = report.pluginReports as PluginReport[];
  expect(reports.map((plugin) => plugin.pluginName)).toEqual(['AwsSolutions']);
  return reports[0] as PluginReport;
}

describe('cdk-nag AwsSolutions over the whole app', () => {
  it('leaves no finding unacknowledged', () => {
    const report = nagReport();

    expect(report.violations).toEqual([]);
    expect(report.conclusion).toBe('success');
  });

  it('acknowledges each finding on the resource or policy that causes it, with a reason', () => {
    const suppressed = nagReport().suppressedViolations ?? [];

    expect(suppressed.length).toBeGreaterThan(0);
    for (const violation of suppressed) {
      const construct = built.app.node
        .findAll()
        .find((candidate) => candidate.node.path === violation.acknowledgedAt);
      expect(construct, violation.acknowledgedAt).toBeDefined();
      expect(construct instanceof Stack || construct instanceof App, violation.acknowledgedAt).toBe(false);
      expect(violation.reason.length, violation.ruleName).toBeGreaterThan(30);
    }
  });

  it('has no acknowledgement that matches no finding', () => {
    const used = new Set(
      (nagReport().suppressedViolations ?? []).map(
        (violation) => `${violation.acknowledgedAt} ${violation.acknowledgedId}`,
      ),
    );
    const made = built.app.node.findAll().flatMap((construct) =>
      construct.node.metadata
        .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
        .flatMap((entry) => Object.keys(entry.data as Record<string, string>))
        .map((id) => `${construct.node.path} ${id}`),
    );

    expect(made.filter((acknowledgement) => !used.has(acknowledgement))).toEqual([]);
  });
});

describe('the detector bundle', () => {
  it('carries the detectors, rollups, suppressions and redaction list it reads, and no test fixtures', () => {
    const dir = assetDirOf(built.detection.runner.function.function);

    expect(readdirSync(path.join(dir, 'queries', 'detectors')).sort()).toEqual(
      readdirSync(path.join(REPO_QUERIES_DIR, 'detectors'))
        .filter((name) => name.endsWith('.sql'))
        .sort(),
    );
    expect(readdirSync(path.join(dir, 'queries', 'rollups')).sort()).toEqual(
      readdirSync(path.join(REPO_QUERIES_DIR, 'rollups'))
        .filter((name) => name.endsWith('.sql'))
        .sort(),
    );
    expect(existsSync(path.join(dir, 'queries', 'suppressions.yaml'))).toBe(true);
    expect(existsSync(path.join(dir, 'queries', 'redaction.yaml'))).toBe(true);
    expect(existsSync(path.join(dir, 'queries', 'tests'))).toBe(false);
  });

  it('loads as an ES module in plain Node and exports the handler', () => {
    expect(handlerTypeIn(built.detection.runner.function.function)).toBe('function');
  });
});

describe('the ticketing bundle', () => {
  it('loads as an ES module in plain Node and exports the handler', () => {
    const ticketing = built.detection.ticketing;
    if (!ticketing) throw new Error('ticketing was configured');

    expect(handlerTypeIn(ticketing.function.function)).toBe('function');
  });
});

describe('the digest bundle', () => {
  it('loads as an ES module in plain Node and exports the handler', () => {
    expect(handlerTypeIn(built.lake.digests.function.function)).toBe('function');
  });
});

/** Imports the bundle in a fresh Node process, as Lambda would, and reports `typeof handler`. */
function handlerTypeIn(fn: IConstruct): string {
  const entry = pathToFileURL(path.join(assetDirOf(fn), 'index.mjs')).href;
  const script = `const m = await import(${JSON.stringify(entry)}); console.log(typeof m.handler);`;
  return execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' }).trim();
}
