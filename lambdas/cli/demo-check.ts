/** Reads the demo lake's manifest and ground truth, and says which planted insiders were caught. */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { AuditlakeError } from '../core/errors.ts';
import type { Finding } from '../core/finding.ts';

const plantedSchema = z.object({
  actor_id: z.string(),
  scenario: z.string(),
  description: z.string().optional(),
});
const groundTruthSchema = z.union([z.array(plantedSchema), z.object({ insiders: z.array(plantedSchema) })]);
const manifestSchema = z.object({ end: z.iso.datetime(), detection_from: z.iso.datetime() });

export type PlantedInsider = z.infer<typeof plantedSchema>;

export interface DemoManifest {
  readonly end: Date;
  readonly detectionFrom: Date;
  readonly groundTruth: readonly PlantedInsider[];
}

export async function readDemoManifest(lakeDir: string): Promise<DemoManifest> {
  const manifest = manifestSchema.parse(await readJson(join(lakeDir, 'demo.json')));
  const truth = groundTruthSchema.parse(await readJson(join(lakeDir, 'ground-truth.json')));
  return {
    end: new Date(manifest.end),
    detectionFrom: new Date(manifest.detection_from),
    groundTruth: Array.isArray(truth) ? truth : truth.insiders,
  };
}

async function readJson(path: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(path, 'utf8'));
  } catch {
    throw new AuditlakeError(`${path}: missing or not JSON; make a new demo lake with --force`);
  }
}

/** One line per planted insider with the detectors that flagged them, then a total. */
export function summarizeCatch(planted: readonly PlantedInsider[], findings: readonly Finding[]): string {
  const lines = planted.map((insider) => {
    const by = [
      ...new Set(findings.filter((f) => f.actor_id === insider.actor_id).map((f) => f.detector_id)),
    ];
    return `${by.length > 0 ? '✓' : '✗'} ${insider.scenario.padEnd(20)} ${insider.actor_id.padEnd(12)} ${by.length > 0 ? `flagged by ${by.join(', ')}` : 'not flagged'}`;
  });
  const caught = planted.filter((insider) => findings.some((f) => f.actor_id === insider.actor_id)).length;
  const plantedIds = new Set(planted.map((insider) => insider.actor_id));
  const others = new Set(findings.filter((f) => !plantedIds.has(f.actor_id)).map((f) => f.actor_id)).size;
  return [
    'Planted insiders:',
    ...lines,
    `${caught} of ${planted.length} planted insiders caught; ${others} other employee${others === 1 ? '' : 's'} flagged`,
  ].join('\n');
}
