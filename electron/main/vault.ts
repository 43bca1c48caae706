// The credential vault: the app secret encrypted with the OS keychain (safeStorage), in a 0600
// file under userData. Refuses to write when the OS cannot really encrypt (no key, or Linux's
// basic_text fallback): the credentials are then kept for this run only and the renderer is told.
import { readFile, rm, writeFile } from 'node:fs/promises';
import type { SafeStorage } from 'electron';
import { BaseUrlSchema } from '../../shared/model';
import { z } from 'zod';
import type { EncryptionState, StoredCredentials, Vault } from '../app/host';
import type { Logger } from '../app/redact';
import { writeAtomic } from '../util/write-atomic';

export type SafeStorageLike = Pick<SafeStorage, 'isAsyncEncryptionAvailable' | 'encryptStringAsync' | 'decryptStringAsync'> & {
  getSelectedStorageBackend?: SafeStorage['getSelectedStorageBackend'];
};

const FileSchema = z.object({
  version: z.literal(1),
  /** The Linux backend that encrypted it ('n/a' elsewhere); a change means ask again. */
  backend: z.string(),
  ciphertext: z.string(),
});

const PlainSchema = z.object({ baseUrl: BaseUrlSchema, appId: z.string().min(1), appSecret: z.string().min(1) });

/** Linux backends that really encrypt: the Secret Service (GNOME keyring) or KWallet 4/5/6. */
export function isRealLinuxKeyring(backend: string): boolean {
  return backend === 'gnome_libsecret' || backend.startsWith('kwallet');
}

export interface VaultOptions {
  safeStorage: SafeStorageLike;
  file: string;
  platform: NodeJS.Platform;
  log: Logger;
}

export async function createVault(opts: VaultOptions): Promise<Vault> {
  const { safeStorage, file, log } = opts;
  let state: EncryptionState;
  try {
    state = (await safeStorage.isAsyncEncryptionAvailable()) ? 'available' : 'unavailable';
  } catch {
    state = 'unavailable';
  }
  // The Linux backend is only known once the async init above has run.
  const backend = opts.platform === 'linux' ? (safeStorage.getSelectedStorageBackend?.() ?? 'unknown') : 'n/a';
  // Only a real keyring counts on Linux. basic_text "encrypts" with a hard-coded key (plain text to
  // anyone with the file), and an unknown backend may be the same: treat both as basic_text.
  if (state === 'available' && opts.platform === 'linux' && !isRealLinuxKeyring(backend)) state = 'basic_text';

  let session: (StoredCredentials & { persisted: boolean }) | null = null;

  async function writeFile0600(contents: string): Promise<void> {
    await writeAtomic(file, Buffer.from(contents, 'utf8'), (tmp, bytes) => writeFile(tmp, bytes, { mode: 0o600, flag: 'wx' }));
  }

  async function store(creds: StoredCredentials): Promise<void> {
    const encrypted = await safeStorage.encryptStringAsync(JSON.stringify(creds));
    await writeFile0600(JSON.stringify({ version: 1, backend, ciphertext: Buffer.from(encrypted).toString('base64') }));
  }

  async function load(): Promise<StoredCredentials | null> {
    let raw: string;
    try {
      raw = await readFile(file, 'utf8');
    } catch {
      return null;
    }
    try {
      const parsed = FileSchema.parse(JSON.parse(raw));
      if (parsed.backend !== backend) {
        log.warn('the keychain backend changed since the credentials were stored; asking again', { was: parsed.backend, now: backend });
        await rm(file, { force: true });
        return null;
      }
      if (state !== 'available') return null;
      const { result, shouldReEncrypt } = await safeStorage.decryptStringAsync(Buffer.from(parsed.ciphertext, 'base64'));
      const creds = PlainSchema.parse(JSON.parse(result));
      if (shouldReEncrypt) await store(creds).catch(() => log.warn('re-encrypting the credentials failed'));
      return creds;
    } catch {
      log.warn('the stored credentials could not be read; asking again');
      return null;
    }
  }

  return {
    async get() {
      if (session) return session;
      const creds = await load();
      if (creds) session = { ...creds, persisted: true };
      return session;
    },
    async set(creds) {
      if (state !== 'available') {
        // Never leave an older secret behind when the new one cannot be stored.
        await rm(file, { force: true });
        session = { ...creds, persisted: false };
        return { persisted: false };
      }
      await store(creds);
      session = { ...creds, persisted: true };
      return { persisted: true };
    },
    async clear() {
      session = null;
      await rm(file, { force: true });
    },
    encryption: () => state,
  };
}
