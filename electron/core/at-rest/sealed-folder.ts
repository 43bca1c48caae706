// A folder of sealed blobs, one file per name (`<name>.enc`), for caches that keep biometric data on disk.
// Nothing in it is ever plain: reads go through openFile (a file of another key, an older format or tampered is
// deleted and read as a miss), writes through sealFile. A file's mtime records its last use, so a restart keeps
// the least-recently-used order and the retention clock.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { openFile, sealFile } from './files';
import type { KeyProvider, OpenFailure } from './envelope';

const SEALED_SUFFIX = '.enc';
const NAME_RE = /^[a-z0-9_~-]{1,160}$/;

export interface SealedEntry {
  name: string;
  /** Bytes on disk (the envelope included). */
  size: number;
  lastUsed: number;
}

export interface SealedFolderOptions {
  dir: string;
  keys: KeyProvider;
  /** File names an older, unencrypted version wrote: deleted on sight, never read. */
  legacyPlain?: RegExp;
  onDiscard?(name: string, why: OpenFailure | 'plain'): void;
}

export class SealedFolder {
  readonly inMemory = false;
  private readonly dir: string;

  constructor(private readonly opts: SealedFolderOptions) {
    this.dir = path.resolve(opts.dir);
  }

  private fileOf(name: string): string {
    if (!NAME_RE.test(name)) throw new RangeError('not a sealed-folder name');
    return path.join(this.dir, name + SEALED_SUFFIX);
  }

  /** What the folder holds, oldest use first; removes leftover temp files and plain files of older versions. */
  async list(): Promise<SealedEntry[]> {
    await fs.mkdir(this.dir, { recursive: true });
    const found = await Promise.all((await fs.readdir(this.dir)).map((n) => this.entryOf(n)));
    return found.filter((e): e is SealedEntry => e !== null).sort((a, b) => a.lastUsed - b.lastUsed);
  }

  private async entryOf(fileName: string): Promise<SealedEntry | null> {
    const file = path.join(this.dir, fileName);
    const leftover = fileName.startsWith('.') && fileName.includes('.part-');
    const plain = this.opts.legacyPlain?.test(fileName) ?? false;
    if (leftover || plain) {
      if (plain) this.opts.onDiscard?.(fileName, 'plain');
      await fs.rm(file, { force: true }).catch(() => {});
      return null;
    }
    if (!fileName.endsWith(SEALED_SUFFIX)) return null;
    const name = fileName.slice(0, -SEALED_SUFFIX.length);
    if (!NAME_RE.test(name)) return null;
    const st = await fs.lstat(file).catch(() => null); // a symlink is not one of ours: never read through it
    return st?.isFile() ? { name, size: st.size, lastUsed: st.mtimeMs } : null;
  }

  /** The plaintext, or null (gone, or not trustworthy and now deleted). */
  read(name: string): Promise<Buffer | null> {
    return openFile(this.fileOf(name), this.opts.keys, { onDiscard: (_f, why) => this.opts.onDiscard?.(name, why) });
  }

  /** Seals bytes under name; the size on disk. */
  async write(name: string, bytes: Uint8Array): Promise<number> {
    await fs.mkdir(this.dir, { recursive: true });
    return sealFile(this.fileOf(name), bytes, this.opts.keys);
  }

  async remove(name: string): Promise<void> {
    await fs.rm(this.fileOf(name), { force: true }).catch(() => {});
  }

  touch(name: string, at: number): void {
    const t = new Date(at);
    fs.utimes(this.fileOf(name), t, t).catch(() => {});
  }
}
