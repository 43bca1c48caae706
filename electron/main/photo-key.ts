// The photo cache's key in the app: 32 random bytes encrypted with the OS keychain (safeStorage), in a 0600 file
// under userData, like the vault's secret. Where the OS cannot really encrypt (no keychain, Linux basic_text), no
// key is kept at all: the photo cache stays in memory for the session, and Settings says so.
import { readFile, writeFile } from 'node:fs/promises';
import { z } from 'zod';
import type { EncryptionState } from '../app/host';
import type { Logger } from '../app/redact';
import { atRestKey, randomKeySecret, type AtRestKey, type KeyProvider } from '../core/at-rest/envelope';
import { parseKeyText } from '../core/at-rest/key-file';
import type { PhotoCacheMode } from '../core/types';
import { writeAtomic } from '../util/write-atomic';
import type { SafeStorageLike } from './vault';

const FileSchema = z.object({
  version: z.literal(1),
  /** The Linux backend that encrypted it ('n/a' elsewhere): another backend cannot decrypt it. */
  backend: z.string(),
  ciphertext: z.string(),
});

export interface PhotoKeyOptions {
  safeStorage: SafeStorageLike;
  file: string;
  /** What the vault found: only 'available' protects a key. */
  encryption: EncryptionState;
  platform: NodeJS.Platform;
  log: Logger;
}

/** How the app caches photos: sealed with the keychain-protected key, or in memory when there is no keychain. */
export function photoCacheMode(opts: PhotoKeyOptions): PhotoCacheMode {
  if (opts.encryption !== 'available') {
    opts.log.warn('the OS cannot protect a key; the photo cache is kept in memory for this session', { encryption: opts.encryption });
    return { kind: 'memory' };
  }
  return { kind: 'encrypted', keys: keychainKey(opts) };
}

/** The key, read (or made) on first use only: the keychain is not asked before a photo is. */
function keychainKey(opts: PhotoKeyOptions): KeyProvider {
  let loaded: Promise<AtRestKey> | null = null;
  return {
    key() {
      loaded ??= loadOrCreate(opts).catch((e: unknown) => {
        loaded = null;
        throw e;
      });
      return loaded;
    },
    forget() {
      loaded = null;
    },
  };
}

function backendOf(opts: PhotoKeyOptions): string {
  return opts.platform === 'linux' ? (opts.safeStorage.getSelectedStorageBackend?.() ?? 'unknown') : 'n/a';
}

async function loadOrCreate(opts: PhotoKeyOptions): Promise<AtRestKey> {
  const existing = await load(opts);
  if (existing) return existing;
  // A new key: what the old one sealed is discarded, file by file, as it is touched (another key id).
  const secret = randomKeySecret();
  const encrypted = await opts.safeStorage.encryptStringAsync(secret.toString('base64'));
  const contents = JSON.stringify({ version: 1, backend: backendOf(opts), ciphertext: Buffer.from(encrypted).toString('base64') });
  await writeAtomic(opts.file, Buffer.from(contents, 'utf8'), (tmp, bytes) => writeFile(tmp, bytes, { mode: 0o600, flag: 'wx' }));
  return atRestKey(secret);
}

async function load(opts: PhotoKeyOptions): Promise<AtRestKey | null> {
  let raw: string;
  try {
    raw = await readFile(opts.file, 'utf8');
  } catch {
    return null;
  }
  try {
    const parsed = FileSchema.parse(JSON.parse(raw));
    if (parsed.backend !== backendOf(opts)) throw new Error('keychain backend changed');
    const { result } = await opts.safeStorage.decryptStringAsync(Buffer.from(parsed.ciphertext, 'base64'));
    const secret = parseKeyText(result);
    if (!secret) throw new Error('not a key');
    return atRestKey(secret);
  } catch {
    opts.log.warn('the photo cache key could not be read; starting a new cache');
    return null;
  }
}
