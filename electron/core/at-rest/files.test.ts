import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ephemeralKey } from './envelope';
import { openFile, sealFile } from './files';

describe('sealFile / openFile', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'at-rest-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));
  const photo = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff]), Buffer.from('a face, in bytes'.repeat(50))]);

  it('writes a file only the user can read, with no photo bytes in it, and reads it back', async () => {
    const keys = ephemeralKey();
    const file = path.join(dir, 'p.enc');
    await sealFile(file, photo, keys);
    const raw = await readFile(file);
    expect(raw[0]).not.toBe(0xff);
    expect(raw.includes(photo.subarray(3, 40))).toBe(false);
    if (process.platform !== 'win32') expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect((await openFile(file, keys))?.equals(photo)).toBe(true);
    expect(await readdir(dir)).toEqual(['p.enc']); // no temp file left
  });

  it('discards (deletes) a file of another key, a plain file and a file copied under another name', async () => {
    const keys = ephemeralKey();
    const discarded: string[] = [];
    const onDiscard = (_f: string, why: string) => discarded.push(why);
    await sealFile(path.join(dir, 'a.enc'), photo, ephemeralKey());
    await writeFile(path.join(dir, 'b.enc'), photo);
    await sealFile(path.join(dir, 'c.enc'), photo, keys);
    await writeFile(path.join(dir, 'd.enc'), await readFile(path.join(dir, 'c.enc')));
    for (const n of ['a.enc', 'b.enc', 'd.enc']) expect(await openFile(path.join(dir, n), keys, { onDiscard })).toBeNull();
    expect(discarded).toEqual(['key', 'format', 'tampered']);
    expect(await readdir(dir)).toEqual(['c.enc']);
    expect(await openFile(path.join(dir, 'missing.enc'), keys)).toBeNull();
  });

  it('with discard: false, refuses a file of another key but leaves it in place', async () => {
    const file = path.join(dir, 'kept.enc');
    await sealFile(file, photo, ephemeralKey());
    expect(await openFile(file, ephemeralKey(), { discard: false })).toBeNull();
    expect(await readdir(dir)).toEqual(['kept.enc']);
  });
});
