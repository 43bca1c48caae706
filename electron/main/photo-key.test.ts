import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createLogger } from '../app/redact';
import { seal, open } from '../core/at-rest/envelope';
import { photoCacheMode, type PhotoKeyOptions } from './photo-key';
import type { SafeStorageLike } from './vault';

vi.mock('electron', () => ({ safeStorage: {} }));

/** A stand-in keychain: reversible, but never the plain text on disk. */
function fakeSafeStorage(backend = 'gnome_libsecret') {
  const x = 0x33;
  return {
    isAsyncEncryptionAvailable: vi.fn(async () => true),
    getSelectedStorageBackend: vi.fn(() => backend as never),
    encryptStringAsync: vi.fn(async (s: string) => Buffer.from(Buffer.from(s, 'utf8').map((b) => b ^ x))),
    decryptStringAsync: vi.fn(async (b: Buffer) => ({ result: Buffer.from(b.map((v) => v ^ x)).toString('utf8'), shouldReEncrypt: false })),
  } satisfies SafeStorageLike;
}

let dir: string;
let file: string;
const log = createLogger({ sink: () => {} });
const opts = (over: Partial<PhotoKeyOptions> = {}): PhotoKeyOptions => ({
  safeStorage: fakeSafeStorage(),
  file,
  encryption: 'available',
  platform: 'linux',
  log,
  ...over,
});

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'fa-photo-key-'));
  file = join(dir, 'photo-cache.key');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

async function keyOf(o: PhotoKeyOptions) {
  const mode = photoCacheMode(o);
  if (mode.kind !== 'encrypted') throw new Error('expected an encrypted cache');
  return mode.keys.key();
}

describe('photo cache key (app)', () => {
  it('keeps a random key encrypted by the keychain in a 0600 file, the same across restarts', async () => {
    const ss = fakeSafeStorage();
    const mode = photoCacheMode(opts({ safeStorage: ss }));
    expect(ss.encryptStringAsync).not.toHaveBeenCalled(); // the keychain is asked on first use only
    if (mode.kind !== 'encrypted') throw new Error('expected an encrypted cache');
    const key = await mode.keys.key();
    const raw = readFileSync(file, 'utf8');
    expect(raw).not.toContain(key.secret.toString('base64'));
    if (process.platform !== 'win32') expect(statSync(file).mode & 0o777).toBe(0o600);
    const again = await keyOf(opts());
    expect(open(again, seal(key, Buffer.from('photo')))?.toString()).toBe('photo');
  });

  it('keeps the cache in memory where the OS cannot protect the key (basic_text, no keychain), writing no key', () => {
    for (const encryption of ['basic_text', 'unavailable'] as const) {
      expect(photoCacheMode(opts({ encryption }))).toEqual({ kind: 'memory' });
    }
    expect(() => statSync(file)).toThrow();
  });

  it('starts a new key when the stored one cannot be read (damaged, or another keychain backend)', async () => {
    const first = await keyOf(opts());
    const moved = await keyOf(opts({ safeStorage: fakeSafeStorage('kwallet5') }));
    expect(moved.id.equals(first.id)).toBe(false);
    writeFileSync(file, '{"version":1,"backend":"kwallet5","ciphertext":"AAAA"}');
    const fresh = await keyOf(opts({ safeStorage: fakeSafeStorage('kwallet5') }));
    expect(fresh.id.equals(moved.id)).toBe(false);
  });
});
