import { mkdtemp, readFile, rm, stat, writeFile, chmod } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isAppFailure } from '../../../shared/errors';
import { keyFileProvider, keyFromEnv, parseKeyText } from './key-file';

describe('CLI cache key', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'cache-key-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('makes a key file readable by the user only, and reads the same key on the next run', async () => {
    const file = path.join(dir, 'nested', 'cache.key');
    const first = await keyFileProvider(file).key();
    if (process.platform !== 'win32') expect((await stat(file)).mode & 0o777).toBe(0o600);
    const again = await keyFileProvider(file).key();
    expect(again.secret.equals(first.secret)).toBe(true);
    expect(parseKeyText(await readFile(file, 'utf8'))?.equals(first.secret)).toBe(true);
  });

  it('gives two runs starting at once the same key', async () => {
    const file = path.join(dir, 'cache.key');
    const keys = await Promise.all(Array.from({ length: 6 }, () => keyFileProvider(file).key()));
    for (const k of keys) expect(k.id.equals(keys[0]!.id)).toBe(true);
  });

  it.skipIf(process.platform === 'win32')('tightens a key file others can read, and says so', async () => {
    const file = path.join(dir, 'cache.key');
    await writeFile(file, `${'ab'.repeat(32)}\n`);
    await chmod(file, 0o644);
    const warnings: string[] = [];
    await keyFileProvider(file, (m) => warnings.push(m)).key();
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(warnings).toHaveLength(1);
  });

  it('refuses a damaged key file with a clear error and leaves it in place', async () => {
    const file = path.join(dir, 'cache.key');
    await writeFile(file, 'not a key\n', { mode: 0o600 });
    let thrown: unknown;
    await keyFileProvider(file).key().catch((e: unknown) => (thrown = e));
    expect(isAppFailure(thrown) && thrown.info.code).toBe('input.invalid');
    expect(await readFile(file, 'utf8')).toBe('not a key\n');
  });

  it('takes FEISHU_CACHE_KEY as hex or base64, and refuses anything else without echoing it', () => {
    const hex = 'a1'.repeat(32);
    const fromHex = keyFromEnv({ FEISHU_CACHE_KEY: hex })!;
    const fromB64 = keyFromEnv({ FEISHU_CACHE_KEY: Buffer.from(hex, 'hex').toString('base64') })!;
    expect(fromHex.secret.equals(fromB64.secret)).toBe(true);
    expect(keyFromEnv({})).toBeUndefined();
    for (const bad of ['short-secret-value', 'a1'.repeat(16), Buffer.alloc(31).toString('base64')]) {
      let thrown: unknown;
      try {
        keyFromEnv({ FEISHU_CACHE_KEY: bad });
      } catch (e) {
        thrown = e;
      }
      expect(isAppFailure(thrown) && thrown.info.code).toBe('input.invalid');
      expect(isAppFailure(thrown) && JSON.stringify(thrown.info)).not.toContain(bad);
    }
  });
});
