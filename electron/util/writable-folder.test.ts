import { chmod, mkdir, mkdtemp, readdir, realpath, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ensureWritableFolder, FolderNotWritable, isWritableFolder, removeIfEmpty } from './writable-folder';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'writable-folder-'));
});
afterEach(async () => {
  await chmod(dir, 0o755).catch(() => {});
  await rm(dir, { recursive: true, force: true });
});

const problemOf = (p: Promise<unknown>) =>
  p.then(
    () => 'ok',
    (e: unknown) => (e instanceof FolderNotWritable ? e.problem : e),
  );

// Permission checks mean nothing to root, which may write anywhere.
const asRoot = process.getuid?.() === 0;

describe('ensureWritableFolder', () => {
  it('accepts an existing folder and says why it refuses a missing one or a file', async () => {
    await writeFile(join(dir, 'f'), '');
    await expect(ensureWritableFolder(dir)).resolves.toEqual({ path: dir, created: [] });
    expect(await problemOf(ensureWritableFolder(join(dir, 'nope')))).toBe('missing');
    expect(await problemOf(ensureWritableFolder(join(dir, 'f')))).toBe('not-a-folder');
    expect(await isWritableFolder(dir)).toBe(true);
    expect(await isWritableFolder(join(dir, 'f'))).toBe(false);
    // Without `create`, nothing is created.
    expect(await readdir(dir)).toEqual(['f']);
  });

  it('creates the missing folders with `create` and reports which', async () => {
    const target = join(dir, 'a', 'b');
    await expect(ensureWritableFolder(target, { create: true })).resolves.toEqual({ path: target, created: [join(dir, 'a'), target] });
    await removeIfEmpty([join(dir, 'a'), target]);
    expect(await readdir(dir)).toEqual([]);
  });

  it('cannot create a folder under a file', async () => {
    await writeFile(join(dir, 'f'), '');
    expect(await problemOf(ensureWritableFolder(join(dir, 'f', 'x'), { create: true }))).toBe('unreadable');
  });

  it('checks the real path with `realpath`', async () => {
    await mkdir(join(dir, 'real'));
    await symlink(join(dir, 'real'), join(dir, 'link'));
    const { path } = await ensureWritableFolder(join(dir, 'link'), { realpath: true });
    expect(path).toBe(await realpath(join(dir, 'real')));
  });

  it('leaves no probe file behind with `probe`', async () => {
    await ensureWritableFolder(dir, { probe: true });
    expect(await readdir(dir)).toEqual([]);
  });

  it.skipIf(asRoot)('refuses a read-only folder, with or without a probe, and a folder it cannot create', async () => {
    await chmod(dir, 0o555);
    expect(await problemOf(ensureWritableFolder(dir))).toBe('not-writable');
    expect(await problemOf(ensureWritableFolder(dir, { probe: true }))).toBe('not-writable');
    await chmod(dir, 0o755);
    await mkdir(join(dir, 'ro'), { mode: 0o555 });
    expect(await problemOf(ensureWritableFolder(join(dir, 'ro', 'x'), { create: true }))).toBe('cannot-create');
  });
});
