/**
 * Builds auditlake's CDK app for the infra tests the way `infra/app.ts` does, with the feature
 * flags of cdk.json, and helpers to read what synth produced. Bundling is skipped unless a test
 * asks for it (`bundle: true`), so most tests synthesize in about a second.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { App, CfnElement, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { type AuditlakeStacks, addAuditlakeStacks } from '../../../infra/auditlake-app.ts';
import { type ConfigSource, parseAuditlakeConfig } from '../../../infra/config/auditlake-config.ts';
import { handlerSources } from '../../../infra/handler-sources.ts';
import { loadQueriesRegistry, type QueriesRegistry } from '../../../infra/queries-registry.ts';

export const PROJECT_ROOT = fileURLToPath(new URL('../../..', import.meta.url));
export const REPO_QUERIES_DIR = path.join(PROJECT_ROOT, 'queries');
/** Four fixture detectors (two active, one disabled, one deprecated) and one rollup. */
export const FIXTURE_QUERIES_DIR = fileURLToPath(new URL('../fixtures/queries', import.meta.url));

export const HANDLER_SOURCES = handlerSources(PROJECT_ROOT);

const CDK_JSON = JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'cdk.json'), 'utf8')) as {
  context: Record<string, unknown>;
};

/** cdk.json's context: the feature flags and the default `auditlake` config. */
export const CDK_CONTEXT: Readonly<Record<string, unknown>> = CDK_JSON.context;

export interface TestAppOptions {
  /** Config keys on top of cdk.json's `auditlake` context. */
  readonly config?: Record<string, unknown>;
  /** @default FIXTURE_QUERIES_DIR */
  readonly queriesDir?: string;
  /** Run esbuild for the Lambda assets. @default false */
  readonly bundle?: boolean;
  readonly outdir?: string;
}

export interface TestApp extends AuditlakeStacks {
  readonly app: App;
  readonly registry: QueriesRegistry;
}

/** A new App with cdk.json's flags; bundling skipped unless asked for. */
export function testApp(options: { bundle?: boolean; outdir?: string } = {}): App {
  return new App({
    builtinCloudFormationValidation: false,
    ...(options.outdir ? { outdir: options.outdir } : {}),
    context: { ...CDK_CONTEXT, ...(options.bundle ? {} : { 'aws:cdk:bundling-stacks': [] }) },
  });
}

export async function buildAuditlakeApp(options: TestAppOptions = {}): Promise<TestApp> {
  const sources: ConfigSource[] = [
    { name: 'cdk.json', value: CDK_CONTEXT.auditlake },
    { name: 'test', value: options.config ?? {} },
  ];
  const registry = await loadQueriesRegistry(options.queriesDir ?? FIXTURE_QUERIES_DIR);
  const app = testApp(options);
  const stacks = addAuditlakeStacks(app, {
    config: parseAuditlakeConfig(sources),
    registry,
    sources: HANDLER_SOURCES,
  });
  return { app, registry, ...stacks };
}

/** A bare stack for a construct test, in an app with the project's feature flags and no bundling. */
export function constructStack(): Stack {
  return new Stack(testApp(), 'Test');
}

/** The logical id of a CloudFormation resource, or of an L2 construct's. */
export function logicalIdOf(construct: IConstruct): string {
  const resource = construct instanceof CfnElement ? construct : construct.node.defaultChild;
  if (!(resource instanceof CfnElement))
    throw new Error(`${construct.node.path} has no CloudFormation resource`);
  return Stack.of(resource).getLogicalId(resource);
}

/** A copy of the fixture queries in a temp folder, for tests that add or change detectors. */
export function copyFixtureQueries(): {
  dir: string;
  read(file: string): string;
  write(file: string, text: string): void;
  remove(): void;
} {
  const dir = mkdtempSync(path.join(tmpdir(), 'auditlake-queries-'));
  cpSync(FIXTURE_QUERIES_DIR, dir, { recursive: true });
  return {
    dir,
    read: (file) => readFileSync(path.join(dir, file), 'utf8'),
    write: (file, text) => writeFileSync(path.join(dir, file), text),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** Every resource of `type` in the template, by logical id. */
export function resourcesOf(
  template: Template,
  type: string,
): Record<string, { Properties?: Record<string, unknown> }> {
  return template.findResources(type) as Record<string, { Properties?: Record<string, unknown> }>;
}

/** A template with asset hashes (64 hex characters) replaced, for snapshots. */
export function normalizedTemplate(template: Template): unknown {
  return JSON.parse(JSON.stringify(template.toJSON()).replace(/[0-9a-f]{64}/g, '[asset hash]'));
}

export { Template };
