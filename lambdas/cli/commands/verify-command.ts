import { stat } from 'node:fs/promises';
import type { Command } from 'commander';
import { ConfigError } from '../../core/errors.ts';
import { parseS3Url } from '../../integrity/lake-store.ts';

export function registerVerifyCommand(program: Command): void {
  program
    .command('verify')
    .description(
      "check a lake's files against its digest chain: modified, removed or inserted files, broken links",
    )
    .requiredOption('--lake <dir|s3-url>', 'lake directory, or s3://bucket/prefix of a deployed lake')
    .option('--allow-uncovered', 'accept files ingested before the lake had digests')
    .action(async (options: { lake: string; allowUncovered?: boolean }) => {
      const { verifyLake } = await import('../../integrity/verify-lake.ts');
      const { formatVerification } = await import('../../integrity/verify-report.ts');
      const inS3 = options.lake.startsWith('s3://');
      const store = inS3 ? await s3Store(options.lake) : await localStore(options.lake);
      // A deployed lake is digested hourly, so its newest files may not be listed yet.
      const result = await verifyLake(store, { scheduledDigests: inS3 });
      const report = formatVerification(result, { allowUncovered: options.allowUncovered === true });
      process.stdout.write(report.text);
      if (report.failures > 0) process.exitCode = 1;
    });
}

/** The SDK is loaded only for an S3 lake, after its URL checked out. */
async function s3Store(url: string) {
  const location = parseS3Url(url);
  const { S3Client } = await import('@aws-sdk/client-s3');
  const { S3LakeStore } = await import('../../integrity/s3-lake-store.ts');
  return new S3LakeStore(new S3Client({ followRegionRedirects: true }), location);
}

async function localStore(dir: string) {
  const { LocalLakeStore } = await import('../../integrity/local-lake-store.ts');
  const info = await stat(dir).catch(() => undefined);
  if (!info?.isDirectory()) throw new ConfigError(`--lake ${dir}: no such directory`);
  return new LocalLakeStore(dir);
}
