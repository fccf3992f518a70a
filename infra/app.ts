/**
 * The CDK app's entry point (`cdk.json` runs it): the only place that reads context, files and
 * paths. It loads and validates the config, parses the queries registry, builds the stacks, and
 * turns a bad config or detector file into one readable error and a non-zero exit.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { App } from 'aws-cdk-lib';
import { AuditlakeError } from '../lambdas/core/errors.ts';
import { addAuditlakeStacks } from './auditlake-app.ts';
import { type ConfigSource, parseAuditlakeConfig } from './config/auditlake-config.ts';
import { handlerSources } from './handler-sources.ts';
import { loadQueriesRegistry } from './queries-registry.ts';

const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url));

/** The context key holding the config object (in cdk.json, or `-c auditlake='{…}'`). */
const CONFIG_CONTEXT_KEY = 'auditlake';
/** The context key naming a JSON config file whose keys override the context's. */
const CONFIG_FILE_CONTEXT_KEY = 'auditlakeConfigFile';

try {
  // CloudFormation rules are checked by cfn-lint in CI (.ci/run); the built-in copy of them
  // would triple the synth time. cdk-nag still validates every synth.
  const app = new App({ builtinCloudFormationValidation: false });
  const sources: ConfigSource[] = [
    {
      name: `context "${CONFIG_CONTEXT_KEY}"`,
      value: contextObject(app.node.tryGetContext(CONFIG_CONTEXT_KEY)),
    },
  ];
  const file: unknown = app.node.tryGetContext(CONFIG_FILE_CONTEXT_KEY);
  if (file !== undefined) sources.push(readConfigFile(String(file)));
  addAuditlakeStacks(app, {
    config: parseAuditlakeConfig(sources),
    registry: await loadQueriesRegistry(path.join(PROJECT_ROOT, 'queries')),
    sources: handlerSources(PROJECT_ROOT),
  });
  app.synth();
} catch (error) {
  if (!(error instanceof AuditlakeError)) throw error;
  console.error(`auditlake: ${error.message}`);
  process.exitCode = 1;
}

/** Context given on the command line arrives as text. */
function contextObject(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value);
  } catch {
    return value; // reported as "expected a JSON object" with the context key named
  }
}

function readConfigFile(file: string): ConfigSource {
  const resolved = path.resolve(file);
  let text: string;
  try {
    text = readFileSync(resolved, 'utf8');
  } catch {
    throw new AuditlakeError(`config file ${resolved} (context "${CONFIG_FILE_CONTEXT_KEY}") cannot be read`);
  }
  try {
    return { name: resolved, value: JSON.parse(text) };
  } catch (error) {
    throw new AuditlakeError(`config file ${resolved} is not valid JSON: ${(error as Error).message}`);
  }
}
