import { describe, expect, it } from 'vitest';
import {
  compareFiles,
  type IntegrityProblem,
  isFailure,
  type LakeObject,
  type LoadedDigest,
  verifyChain,
} from '../../lambdas/integrity/chain-check.ts';
import {
  createDigest,
  type DigestFile,
  digestPath,
  hourOfDigestPath,
  type LakeDigest,
  parseDigest,
  serializeDigest,
  sha256Hex,
} from '../../lambdas/integrity/lake-digest.ts';

const file = (name: string, content = name): DigestFile => ({
  path: `audit_events/dt=2026-11-27/${name}.parquet`,
  sha256: sha256Hex(content),
  bytes: Buffer.byteLength(content),
});

/** A chain of digests, one per `files` entry, an hour apart from 2026-11-28T08:00Z, each linked to the one before. */
function chain(...perDigest: DigestFile[][]): LoadedDigest[] {
  const loaded: LoadedDigest[] = [];
  perDigest.forEach((files, index) => {
    const created = new Date(Date.UTC(2026, 10, 28, 8 + index, 15));
    const previous = loaded.at(-1);
    const digest = createDigest(
      files,
      previous ? { path: previous.path, sha256: previous.sha256 } : null,
      created,
    );
    loaded.push(
      loadedOf(
        digestPath(created, `20261128T${String(8 + index).padStart(2, '0')}1500Z-0000000${index}`),
        digest,
      ),
    );
  });
  return loaded;
}

function loadedOf(path: string, digest: LakeDigest): LoadedDigest {
  return { path, sha256: sha256Hex(serializeDigest(digest)), digest };
}

function presentOf(files: readonly DigestFile[], modified = new Date('2026-11-28T09:00:00Z')): LakeObject[] {
  return files.map((listed) => ({ path: listed.path, bytes: listed.bytes, modified }));
}

const kinds = (problems: readonly IntegrityProblem[]) =>
  problems.map((problem) => [problem.kind, problem.path]);

describe('digest documents', () => {
  it('serialise the same digest to the same bytes, keys sorted, whatever order they were built in', () => {
    const digest = createDigest([file('b'), file('a')], null, new Date('2026-11-28T20:55:12.345Z'));
    const reordered = Object.fromEntries(Object.entries(digest).reverse()) as unknown as LakeDigest;

    expect(serializeDigest(reordered)).toBe(serializeDigest(digest));
    expect(Object.keys(JSON.parse(serializeDigest(digest)))).toEqual([
      'created',
      'files',
      'hour',
      'previousDigest',
      'version',
    ]);
    expect(digest.files.map((listed) => listed.path)).toEqual([file('a').path, file('b').path]);
    expect(digest.hour).toBe('2026-11-28T20:00:00Z');
  });

  it('read back what was written', () => {
    const digest = createDigest([file('a')], { path: 'digests/x.json', sha256: 'f'.repeat(64) }, new Date());

    expect(parseDigest(Buffer.from(serializeDigest(digest)))).toEqual(digest);
  });

  it('name what is wrong in a file that is not a digest', () => {
    expect(() => parseDigest(Buffer.from('{"version": 1'))).toThrow('is not valid JSON');
    const bad = {
      ...createDigest([file('a')], null, new Date()),
      files: [{ path: '../x', sha256: 'abc', bytes: 1 }],
    };
    expect(() => parseDigest(Buffer.from(JSON.stringify(bad)))).toThrow(
      /^files\.0\.path: expected a path inside the lake/,
    );
  });

  it('are named by day and hour, and the name gives the hour back', () => {
    const path = digestPath(new Date('2026-11-28T20:55:12Z'), '20261128T205512Z-0a1b2c3d');

    expect(path).toBe('digests/2026/11/28/auditlake-digest-20261128T200000Z-20261128T205512Z-0a1b2c3d.json');
    expect(hourOfDigestPath(path)).toBe('2026-11-28T20:00:00Z');
    expect(hourOfDigestPath('digests/2026/11/28/notes.json')).toBeUndefined();
  });
});

describe('verifyChain', () => {
  it('finds nothing wrong in an intact chain and collects every listing', () => {
    const digests = chain([file('a')], [file('b')], [file('c')]);

    const checked = verifyChain(digests);

    expect(checked.problems).toEqual([]);
    expect([...checked.listed.keys()].sort()).toEqual([file('a').path, file('b').path, file('c').path]);
    expect(checked.latest?.path).toBe(digests[2]?.path);
    expect(checked.firstCreated).toEqual(new Date('2026-11-28T08:15:00Z'));
  });

  it('reports the digest after an edited one: its recorded hash no longer matches', () => {
    const [first, second, third] = chain([file('a')], [file('b')], [file('c')]);
    if (!first || !second || !third || !('digest' in second)) throw new Error('fixture');
    const edited = loadedOf(second.path, { ...second.digest, files: [] });

    expect(kinds(verifyChain([first, edited, third]).problems)).toEqual([['chain-break', third.path]]);
  });

  it('reports a missing middle digest by the digest that names it', () => {
    const [first, second, third] = chain([file('a')], [file('b')], [file('c')]);
    if (!first || !second || !third) throw new Error('fixture');

    const problems = verifyChain([first, third]).problems;

    expect(kinds(problems)).toEqual([['chain-break', third.path]]);
    expect(problems[0]?.detail).toContain(`names ${second.path} as its previous digest, which is missing`);
  });

  it('reports a fork when two digests continue the same one', () => {
    const [first, second] = chain([file('a')], [file('b')]);
    if (!first || !second || !('digest' in second)) throw new Error('fixture');
    const rival = loadedOf(second.path.replace('00000001', '0000000f'), {
      ...second.digest,
      files: [file('z')],
    });

    expect(kinds(verifyChain([first, second, rival]).problems)).toEqual([['fork', first.path]]);
  });

  it('reports a second digest without a previous one: a new chain started beside the old', () => {
    const [first] = chain([file('a')]);
    const [restart] = chain([file('b')], [file('c')]).slice(1);
    if (!first || !restart || !('digest' in restart)) throw new Error('fixture');
    const orphan = loadedOf(restart.path, { ...restart.digest, previousDigest: null });

    expect(kinds(verifyChain([first, orphan]).problems)).toEqual([['chain-break', orphan.path]]);
  });

  it('reports unreadable digests and stray files under digests/', () => {
    const [first] = chain([file('a')]);
    if (!first) throw new Error('fixture');

    const problems = verifyChain([
      first,
      {
        path: first.path.replace('00000000', '0000000e'),
        sha256: 'e'.repeat(64),
        error: 'is not valid JSON',
      },
      { path: 'digests/notes.txt', sha256: 'd'.repeat(64), error: 'is not valid JSON' },
    ]).problems;

    expect(problems.map((problem) => problem.kind)).toEqual(['digest-unreadable', 'digest-unreadable']);
  });
});

describe('compareFiles', () => {
  const listedFiles = [file('a'), file('b')];
  const { listed, firstCreated } = verifyChain(chain(listedFiles));
  const hashes = new Map(listedFiles.map((listed) => [listed.path, listed.sha256]));

  it('finds nothing wrong when every listed file is present with its size and hash', () => {
    expect(compareFiles(listed, presentOf(listedFiles), hashes, { firstCreated })).toEqual([]);
  });

  it('reports a file whose hash differs as modified', () => {
    const tampered = new Map(hashes).set(file('a').path, sha256Hex('tampered'));

    expect(kinds(compareFiles(listed, presentOf(listedFiles), tampered))).toEqual([
      ['modified', file('a').path],
    ]);
  });

  it('reports a file whose size differs as modified without needing its hash', () => {
    const present = presentOf(listedFiles).map((object) => ({ ...object, bytes: object.bytes + 1 }));

    expect(kinds(compareFiles(listed, present, new Map()))).toEqual([
      ['modified', file('a').path],
      ['modified', file('b').path],
    ]);
  });

  it('reports a listed file that is gone as removed', () => {
    expect(kinds(compareFiles(listed, presentOf([file('b')]), hashes))).toEqual([
      ['removed', file('a').path],
    ]);
  });

  it('tells inserted files from files older than the first digest and files awaiting the next one', () => {
    const present = [
      ...presentOf(listedFiles),
      ...presentOf([file('old')], new Date('2026-11-01T00:00:00Z')),
      ...presentOf([file('new')], new Date('2026-11-28T09:00:00Z')),
    ];

    expect(kinds(compareFiles(listed, present, hashes, { firstCreated }))).toEqual([
      ['inserted', file('new').path],
      ['uncovered', file('old').path],
    ]);
    expect(
      kinds(
        compareFiles(listed, present, hashes, {
          firstCreated,
          pendingSince: new Date('2026-11-28T08:30:00Z'),
        }),
      ),
    ).toEqual([
      ['pending', file('new').path],
      ['uncovered', file('old').path],
    ]);
  });

  it('ignores files outside the covered prefixes: rollups are derived and rebuilt', () => {
    const rollup = {
      path: 'rollups/employee_daily/dt=2026-11-27/data.parquet',
      bytes: 9,
      modified: new Date(),
    };

    expect(compareFiles(listed, [...presentOf(listedFiles), rollup], hashes, { firstCreated })).toEqual([]);
  });
});

describe('isFailure', () => {
  it('fails on uncovered files unless they are allowed, and never on pending ones', () => {
    const problem = (kind: IntegrityProblem['kind']): IntegrityProblem => ({ kind, path: 'x', detail: '' });

    expect(isFailure(problem('uncovered'))).toBe(true);
    expect(isFailure(problem('uncovered'), { allowUncovered: true })).toBe(false);
    expect(isFailure(problem('pending'))).toBe(false);
    expect(isFailure(problem('inserted'), { allowUncovered: true })).toBe(true);
  });
});
