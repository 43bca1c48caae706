import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createLogger } from '../app/redact';
import { type SafeStorageLike, createVault } from './vault';

vi.mock('electron', () => ({ safeStorage: {} }));

/** A stand-in keychain: reversible, but never the plain text on disk. */
function fakeSafeStorage(opts: { available?: boolean; backend?: string; reEncrypt?: boolean } = {}) {
  const key = 0x5a;
  const ss = {
    isAsyncEncryptionAvailable: vi.fn(async () => opts.available ?? true),
    getSelectedStorageBackend: vi.fn(() => (opts.backend ?? 'gnome_libsecret') as never),
    encryptStringAsync: vi.fn(async (s: string) => Buffer.from(Buffer.from(s, 'utf8').map((b) => b ^ key))),
    decryptStringAsync: vi.fn(async (b: Buffer) => ({
      result: Buffer.from(b.map((x) => x ^ key)).toString('utf8'),
      shouldReEncrypt: opts.reEncrypt ?? false,
    })),
  };
  return ss satisfies SafeStorageLike;
}

const creds = { baseUrl: 'feishu' as const, appId: 'cli_a1b2c3d4e5f6', appSecret: 'S3cr3t-app-secret-value' };
let dir: string;
let file: string;
const log = createLogger({ sink: () => {} });

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'fa-vault-'));
  file = join(dir, 'credentials.json');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('credential vault', () => {
  it('stores the credentials encrypted in a 0600 file and reads them back in a new run', async () => {
    const ss = fakeSafeStorage();
    const vault = await createVault({ safeStorage: ss, file, platform: 'linux', log });
    expect(vault.encryption()).toBe('available');
    expect(await vault.set(creds)).toEqual({ persisted: true });
    const raw = readFileSync(file, 'utf8');
    expect(raw).not.toContain(creds.appSecret);
    expect(raw).not.toContain(creds.appId);
    if (process.platform !== 'win32') expect(statSync(file).mode & 0o777).toBe(0o600);
    const next = await createVault({ safeStorage: fakeSafeStorage(), file, platform: 'linux', log });
    expect(await next.get()).toEqual({ ...creds, persisted: true });
  });

  it('refuses to persist with the basic_text backend and keeps the secret for this run only', async () => {
    const vault = await createVault({ safeStorage: fakeSafeStorage({ backend: 'basic_text' }), file, platform: 'linux', log });
    expect(vault.encryption()).toBe('basic_text');
    expect(await vault.set(creds)).toEqual({ persisted: false });
    expect(() => statSync(file)).toThrow();
    expect(await vault.get()).toEqual({ ...creds, persisted: false });
    const nextRun = await createVault({ safeStorage: fakeSafeStorage({ backend: 'basic_text' }), file, platform: 'linux', log });
    expect(await nextRun.get()).toBeNull();
  });

  it('reads the Linux backend only after the async init, and treats an unknown backend like basic_text', async () => {
    // Before init, Electron reports 'unknown'; the real backend appears once isAsyncEncryptionAvailable resolved.
    let ready = false;
    const ss = fakeSafeStorage();
    ss.isAsyncEncryptionAvailable.mockImplementation(async () => ((ready = true), true));
    ss.getSelectedStorageBackend.mockImplementation(() => (ready ? 'kwallet6' : 'unknown') as never);
    const vault = await createVault({ safeStorage: ss, file, platform: 'linux', log });
    expect(vault.encryption()).toBe('available');
    expect(await vault.set(creds)).toEqual({ persisted: true });

    rmSync(file, { force: true });
    const unknown = await createVault({ safeStorage: fakeSafeStorage({ backend: 'unknown' }), file, platform: 'linux', log });
    expect(unknown.encryption()).toBe('basic_text');
    expect(await unknown.set(creds)).toEqual({ persisted: false });
    expect(() => statSync(file)).toThrow();
  });

  it('refuses to persist when encryption is unavailable, and removes an older stored secret', async () => {
    await (await createVault({ safeStorage: fakeSafeStorage(), file, platform: 'darwin', log })).set(creds);
    const ss = fakeSafeStorage({ available: false });
    const vault = await createVault({ safeStorage: ss, file, platform: 'darwin', log });
    expect(vault.encryption()).toBe('unavailable');
    expect(await vault.set({ ...creds, appSecret: 'another-secret-1' })).toEqual({ persisted: false });
    expect(ss.encryptStringAsync).not.toHaveBeenCalled();
    expect(() => statSync(file)).toThrow();
  });

  it('asks again when the keychain backend changed since the secret was stored', async () => {
    await (await createVault({ safeStorage: fakeSafeStorage({ backend: 'kwallet5' }), file, platform: 'linux', log })).set(creds);
    const vault = await createVault({ safeStorage: fakeSafeStorage({ backend: 'gnome_libsecret' }), file, platform: 'linux', log });
    expect(await vault.get()).toBeNull();
    expect(() => statSync(file)).toThrow();
  });

  it('re-encrypts when the keychain asks for it', async () => {
    await (await createVault({ safeStorage: fakeSafeStorage(), file, platform: 'win32', log })).set(creds);
    const ss = fakeSafeStorage({ reEncrypt: true });
    const vault = await createVault({ safeStorage: ss, file, platform: 'win32', log });
    expect(await vault.get()).toEqual({ ...creds, persisted: true });
    expect(ss.encryptStringAsync).toHaveBeenCalledTimes(1);
  });

  it('treats a damaged file as no credentials, and clear removes the file', async () => {
    writeFileSync(file, '{"version":1,"backend":"n/a","ciphertext":"!!!"}');
    const vault = await createVault({ safeStorage: fakeSafeStorage(), file, platform: 'darwin', log });
    expect(await vault.get()).toBeNull();
    await vault.set(creds);
    await vault.clear();
    expect(await vault.get()).toBeNull();
    expect(() => statSync(file)).toThrow();
  });
});
