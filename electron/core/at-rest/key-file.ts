// The CLI's at-rest key: FEISHU_CACHE_KEY when set (32 bytes, base64 or hex), otherwise a random key in a file
// beside the cache that only the user can read (0600), made on first use. A server has no OS keychain to lean
// on; whoever can read the key file can read the cache, exactly as with the user's own files.
import { chmod, link, mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { appError } from '../../../shared/errors';
import { tempNameFor } from '../../util/write-atomic';
import { atRestKey, KEY_BYTES, randomKeySecret, type AtRestKey, type KeyProvider } from './envelope';

export const CACHE_KEY_ENV = 'FEISHU_CACHE_KEY';

/** 32 bytes written as 64 hex digits or as base64 (standard or URL-safe); null for anything else. */
export function parseKeyText(text: string): Buffer | null {
  const t = text.trim();
  if (/^[0-9a-fA-F]{64}$/.test(t)) return Buffer.from(t, 'hex');
  if (/^[A-Za-z0-9+/_-]{43}=?$/.test(t)) {
    const b = Buffer.from(t, 'base64');
    return b.length === KEY_BYTES ? b : null;
  }
  return null;
}

/** The key from FEISHU_CACHE_KEY, undefined when unset; a value that is not 32 bytes is refused (never shown). */
export function keyFromEnv(env: NodeJS.ProcessEnv): AtRestKey | undefined {
  const raw = env[CACHE_KEY_ENV];
  if (!raw) return undefined;
  const bytes = parseKeyText(raw);
  if (!bytes) throw appError('input.invalid', `${CACHE_KEY_ENV} must be 32 bytes written as base64 or as 64 hex digits`);
  return atRestKey(bytes);
}

async function readKeyFile(file: string): Promise<AtRestKey | null> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
  const bytes = parseKeyText(text);
  // Never replaced silently: other stores (snapshots, archive) may depend on it.
  if (!bytes) throw appError('input.invalid', `The cache key file ${file} is damaged; delete it (cached photos are then downloaded again)`);
  return atRestKey(bytes);
}

/** Tightens a key file others can read (copied, or made by hand with the default umask). */
async function keepPrivate(file: string, warn?: (message: string) => void): Promise<void> {
  if (process.platform === 'win32') return; // the profile folder's ACL protects it there
  const st = await stat(file);
  if ((st.mode & 0o077) === 0) return;
  await chmod(file, 0o600);
  warn?.(`the cache key file ${file} was readable by other users; it is now readable by you only`);
}

/**
 * Writes a new key as a temp file and links it into place: link fails when another run made the key first, and
 * then that key is the one (two runs never end up with two keys, nor read half a file).
 */
async function createKeyFile(file: string): Promise<AtRestKey> {
  await mkdir(path.dirname(file), { recursive: true });
  const secret = randomKeySecret();
  const temp = tempNameFor(file);
  try {
    await writeFile(temp, `${secret.toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
    await link(temp, file);
    return atRestKey(secret);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    const theirs = await readKeyFile(file);
    if (!theirs) throw e;
    return theirs;
  } finally {
    await rm(temp, { force: true }).catch(() => {});
  }
}

/** The key in file, made (0600) when there is none yet; read once per run. */
export function keyFileProvider(file: string, warn?: (message: string) => void): KeyProvider {
  let loaded: Promise<AtRestKey> | null = null;
  const load = async (): Promise<AtRestKey> => {
    const existing = await readKeyFile(file);
    if (existing) {
      await keepPrivate(file, warn);
      return existing;
    }
    return createKeyFile(file);
  };
  return {
    key() {
      loaded ??= load().catch((e: unknown) => {
        loaded = null; // a passing problem (folder not there yet) may clear up by the next call
        throw e;
      });
      return loaded;
    },
  };
}
