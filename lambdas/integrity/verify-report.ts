/** The text `auditlake verify` prints: a summary, then one line per problem naming its file. */
import { type FailureOptions, type IntegrityProblem, isFailure, type ProblemKind } from './chain-check.ts';
import { COVERED_PREFIXES } from './lake-digest.ts';
import type { LakeVerification } from './verify-lake.ts';

const LABELS: Readonly<Record<ProblemKind, string>> = {
  modified: 'modified',
  removed: 'removed',
  inserted: 'inserted',
  uncovered: 'not covered',
  pending: 'pending',
  'chain-break': 'chain break',
  fork: 'fork',
  'digest-unreadable': 'unreadable',
};
const WIDTH = Math.max(...Object.values(LABELS).map((label) => label.length)) + 2;

export interface VerificationText {
  readonly text: string;
  /** Problems that fail verification (pending files never do; uncovered ones unless allowed). */
  readonly failures: number;
}

export function formatVerification(result: LakeVerification, options: FailureOptions = {}): VerificationText {
  const lines = [`Verifying ${result.location}`];
  const latest = result.latest ? `, latest ${result.latest.path} (sha256 ${result.latest.sha256})` : '';
  lines.push(`  digests  ${result.digests}${latest}`);
  lines.push(`  files    ${result.files} in ${COVERED_PREFIXES.join(', ')}`);
  lines.push('');
  for (const problem of result.problems) lines.push(problemLine(problem));
  if (result.problems.length > 0) lines.push('');
  const failures = result.problems.filter((problem) => isFailure(problem, options)).length;
  const uncovered = result.problems.filter((problem) => problem.kind === 'uncovered').length;
  const pending = result.problems.filter((problem) => problem.kind === 'pending').length;
  if (failures > 0) {
    lines.push(`✗ ${plural(failures, 'problem')}: the lake does not match its digests`);
    if (uncovered > 0 && !options.allowUncovered) {
      lines.push(`  (${plural(uncovered, 'file')} predate the first digest; --allow-uncovered accepts them)`);
    }
  } else {
    const notes = [
      ...(uncovered > 0 ? [`${plural(uncovered, 'file')} from before the first digest accepted`] : []),
      ...(pending > 0 ? [`${plural(pending, 'file')} pending the next digest`] : []),
    ];
    const summary =
      result.digests === 0
        ? 'the lake has no digests yet'
        : `${plural(result.files - uncovered - pending, 'file')} match ${plural(result.digests, 'digest')}; the chain is intact`;
    lines.push(`✓ ${summary}${notes.length > 0 ? ` (${notes.join('; ')})` : ''}`);
  }
  return { text: `${lines.join('\n')}\n`, failures };
}

function problemLine(problem: IntegrityProblem): string {
  return `${LABELS[problem.kind].padEnd(WIDTH)}${problem.path} ${problem.detail}`;
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
