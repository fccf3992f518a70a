/** A lake in a local directory (`auditlake ingest --lake ./lake`). */
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, type Dirent } from 'node:fs';
import { link, mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { LakeObject } from './chain-check.ts';
import type { LakeStore } from './lake-store.ts';

export class LocalLakeStore implements LakeStore {
  readonly location: string;

  constructor(private readonly root: string) {
    this.location = root;
  }

  async list(prefix: string): Promise<LakeObject[]> {
    const dir = this.resolve(prefix);
    let entries: Dirent[];
    try {
      entries = await readdir(dir, { recursive: true, withFileTypes: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    const objects: LakeObject[] = [];
    for (const entry of entries) {
      // A symbolic link is read like a file by the engines, so it counts as one.
      if (!entry.isFile() && !entry.isSymbolicLink()) continue;
      const file = path.join(entry.parentPath, entry.name);
      const info = await stat(file).catch(() => undefined);
      if (!info?.isFile()) continue;
      objects.push({
        path: path.relative(this.root, file).split(path.sep).join('/'),
        bytes: info.size,
        modified: info.mtime,
      });
    }
    return objects;
  }

  async read(file: string): Promise<Uint8Array> {
    return readFile(this.resolve(file));
  }

  async sha256(file: string): Promise<string> {
    const hash = createHash('sha256');
    for await (const chunk of createReadStream(this.resolve(file))) hash.update(chunk as Buffer);
    return hash.digest('hex');
  }

  /** Written beside the target and hard-linked into place: never half a file, never a replaced one. */
  async create(file: string, body: string): Promise<void> {
    const target = this.resolve(file);
    await mkdir(path.dirname(target), { recursive: true });
    const temp = path.join(
      path.dirname(target),
      `.${path.basename(target)}.${randomBytes(4).toString('hex')}.tmp`,
    );
    await writeFile(temp, body, { flag: 'wx' });
    try {
      await link(temp, target);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EEXIST' || !['EPERM', 'ENOTSUP', 'ENOSYS'].includes(code ?? '')) throw error;
      // No hard links on this file system: an exclusive create still never replaces a file.
      await writeFile(target, body, { flag: 'wx' });
    } finally {
      await rm(temp, { force: true });
    }
  }

  private resolve(file: string): string {
    return path.join(this.root, ...file.split('/'));
  }
}
