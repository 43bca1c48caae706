import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempNameFor, writeAtomic } from './write-atomic';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'write-atomic-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('writeAtomic', () => {
  it('writes the bytes, replacing an older file, and leaves no temp file', async () => {
    await writeFile(join(dir, 'a.jpg'), 'old');
    await writeAtomic(join(dir, 'a.jpg'), Buffer.from('new'));
    expect(await readFile(join(dir, 'a.jpg'), 'utf8')).toBe('new');
    expect(await readdir(dir)).toEqual(['a.jpg']);
  });

  it('leaves the old file whole and removes the temp file when the write fails half-way', async () => {
    await writeFile(join(dir, 'a.jpg'), 'old');
    const halfThenFail = async (file: string, bytes: Uint8Array) => {
      await writeFile(file, bytes.subarray(0, 1));
      throw Object.assign(new Error('no space'), { code: 'ENOSPC' });
    };
    await expect(writeAtomic(join(dir, 'a.jpg'), Buffer.from('new'), halfThenFail)).rejects.toThrow('no space');
    expect(await readFile(join(dir, 'a.jpg'), 'utf8')).toBe('old');
    expect(await readdir(dir)).toEqual(['a.jpg']);
  });

  it('names the temp file hidden, beside the target, with the pattern the exporter cleans', () => {
    const temp = tempNameFor(join(dir, 'sub', 'a.jpg'));
    expect(temp.startsWith(join(dir, 'sub', '.a.jpg.part-'))).toBe(true);
    expect(temp).toMatch(/\.part-[0-9a-f]{12}$/);
  });
});
