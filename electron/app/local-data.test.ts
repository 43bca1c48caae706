// "Erase all local data": every data folder is emptied, the audit log last, and the erase is recorded while
// everything is still there and again as the first entry of the new log; the privacy summary counts what is in
// the photo caches.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SealedFolder } from '../core/at-rest/sealed-folder';
import { appendAudit, readLog } from '../core/audit/index';
import { photoCacheMode, type PhotoKeyOptions } from '../main/photo-key';
import { auditHandlers } from './audit-handlers';
import { auditDirOf, type AuditTrail } from './audit-trail';
import { createExportNotice } from './export-notice';
import type { AppHost } from './host';
import { cachedPhotos, localDataFolders, photoKeyFileOf } from './local-data';
import { createLogger } from './redact';

let root: string;
let host: AppHost;

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'fa-erase-'));
  host = {
    cacheDir: join(root, 'photo-cache'),
    demoCacheDir: join(root, 'demo-photo-cache'),
    dataDir: root,
    logDir: join(root, 'logs'),
    snapshotDir: join(root, 'directory-snapshots'),
    log: createLogger({ sink: () => undefined }),
  } as AppHost;
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

function put(file: string, text = 'x'): void {
  mkdirSync(join(file, '..'), { recursive: true });
  writeFileSync(file, text);
}

describe('Erase all local data', () => {
  it('records the erase while everything is still there, then empties cache, logs, notice and the audit log last', async () => {
    put(join(host.cacheDir, 'fk1.jpg'));
    put(join(host.demoCacheDir, 'fk2.jpg'));
    put(join(host.logDir!, 'main.log'));
    put(join(root, 'photo-cache-archive', 'journal.jsonl'));
    put(join(host.snapshotDir!, 'tenant.json'));
    await createExportNotice(host).seen('demo');
    const auditFile = join(auditDirOf(host), 'audit.log');
    await appendAudit(auditDirOf(host), { action: 'session.sign_in', tenant: 'demo' });
    const seenWhenRecorded: boolean[] = [];
    const audit = {
      dir: auditDirOf(host),
      file: auditFile,
      record: vi.fn(async () => {
        seenWhenRecorded.push(existsSync(join(host.cacheDir, 'fk1.jpg')), existsSync(join(host.logDir!, 'main.log')), existsSync(auditFile));
      }),
    } as unknown as AuditTrail;
    const beforeErase = vi.fn(async () => undefined);
    const h = auditHandlers(host, { audit, notice: createExportNotice(host), requireCore: vi.fn(), currentTenant: () => 'demo', beforeErase });

    expect(await h.dataErase({ confirm: true })).toEqual({ failed: [] });
    expect(beforeErase).toHaveBeenCalledTimes(1);
    const folders = ['photo-cache', 'demo-photo-cache', 'photo-archive', 'demo-photo-archive', 'directory-snapshots', 'photo-cache-key', 'logs', 'export-notice', 'audit'];
    expect(vi.mocked(audit.record).mock.calls).toEqual([
      ['data.erase', { folders }],
      ['data.erase', { folders, failed: [] }],
    ]);
    // First while everything is still there, then again once it is all gone.
    expect(seenWhenRecorded).toEqual([true, true, true, false, false, false]);
    expect(readdirSync(host.cacheDir)).toEqual([]);
    expect(readdirSync(host.demoCacheDir)).toEqual([]);
    expect(readdirSync(host.logDir!)).toEqual([]);
    expect(readdirSync(join(root, 'photo-cache-archive'))).toEqual([]);
    expect(readdirSync(host.snapshotDir!)).toEqual([]);
    expect(existsSync(auditFile)).toBe(false);
    expect(await createExportNotice(host).needed('demo')).toBe(true);
  });

  it('lists every data folder in one place, the audit log not among them (it goes last)', () => {
    expect(localDataFolders(host).map((f) => f.path)).toEqual([
      host.cacheDir,
      host.demoCacheDir,
      join(root, 'photo-cache-archive'),
      join(root, 'demo-photo-cache-archive'),
      host.snapshotDir,
      join(root, 'photo-cache.key'),
      host.logDir,
      join(root, 'export-notice.json'),
    ]);
    expect(localDataFolders({ ...host, logDir: undefined }).map((f) => f.name)).not.toContain('logs');
  });
});

/** A stand-in keychain (reversible XOR), as in photo-key.test.ts. */
const fakeKeychain: PhotoKeyOptions['safeStorage'] = {
  isAsyncEncryptionAvailable: async () => true,
  getSelectedStorageBackend: () => 'gnome_libsecret',
  encryptStringAsync: async (s: string) => Buffer.from(Buffer.from(s, 'utf8').map((b) => b ^ 0x33)),
  decryptStringAsync: async (b: Buffer) => ({ result: Buffer.from(b.map((v) => v ^ 0x33)).toString('utf8'), shouldReEncrypt: false }),
};

/** Every file (not folder) under dir, relative to it. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => !d.isDirectory())
    .map((d) => join(d.parentPath, d.name).slice(dir.length + 1))
    .sort();
}

describe('Erase all local data and the at-rest key', () => {
  const photo = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff]), Buffer.from('face bytes '.repeat(40))]);
  const keyOpts = (): PhotoKeyOptions => ({ safeStorage: fakeKeychain, file: photoKeyFileOf(host), encryption: 'available', platform: 'linux', log: host.log });

  async function erase(): Promise<void> {
    const audit = {
      dir: auditDirOf(host),
      file: join(auditDirOf(host), 'audit.log'),
      record: vi.fn((action: 'data.erase') => appendAudit(auditDirOf(host), { action, tenant: 'demo' })),
    } as unknown as AuditTrail;
    const h = auditHandlers(host, { audit, notice: createExportNotice(host), requireCore: vi.fn(), currentTenant: () => 'demo', beforeErase: async () => undefined });
    expect(await h.dataErase({ confirm: true })).toEqual({ failed: [] });
    expect(audit.record).toHaveBeenCalledWith('data.erase', expect.anything());
  }

  it('leaves nothing in the data folder but a new audit log holding the erase, no key file; the running app and a later start make a new key that works', async () => {
    const mode = photoCacheMode(keyOpts());
    if (mode.kind !== 'encrypted') throw new Error('expected a sealed cache');
    host.photoCache = mode;
    const cache = new SealedFolder({ dir: host.cacheDir, keys: mode.keys });
    await cache.write('fk1', photo);
    const erasedKey = await mode.keys.key();
    put(join(host.logDir!, 'main.log'));
    put(join(host.snapshotDir!, 'tenant.json'));
    put(join(root, 'photo-cache-archive', 'journal.jsonl'));
    await createExportNotice(host).seen('demo');
    await appendAudit(auditDirOf(host), { action: 'session.sign_in', tenant: 'demo' });
    expect(filesUnder(root)).toContain('photo-cache.key');

    await erase();
    expect(filesUnder(root)).toEqual([join('audit', 'audit.log')]);
    expect((await readLog(join(auditDirOf(host), 'audit.log'))).map((e) => [e.seq, e.action])).toEqual([[1, 'data.erase']]);

    // The same run caches the next photo under a new key, never the erased one.
    await cache.write('fk2', photo);
    const newKey = await mode.keys.key();
    expect(newKey.id.equals(erasedKey.id)).toBe(false);
    // A later start reads that new key from its file and the photo with it.
    const later = photoCacheMode(keyOpts());
    if (later.kind !== 'encrypted') throw new Error('expected a sealed cache');
    expect((await later.keys.key()).id.equals(newKey.id)).toBe(true);
    expect((await new SealedFolder({ dir: host.cacheDir, keys: later.keys }).read('fk2'))?.equals(photo)).toBe(true);
  });

  it('also removes a key file an earlier run left when this run keeps photos in memory', async () => {
    put(photoKeyFileOf(host), '{"version":1,"backend":"gnome_libsecret","ciphertext":"AAAA"}');
    host.photoCache = { kind: 'memory' };
    await erase();
    expect(filesUnder(root)).toEqual([join('audit', 'audit.log')]);
  });
});

describe('cached photos for the privacy summary', () => {
  it('counts photo files of both caches and finds the least recently used, skipping temp files', async () => {
    put(join(host.cacheDir, 'a.jpg'));
    put(join(host.demoCacheDir, 'b.jpg'));
    put(join(host.cacheDir, '.a.jpg.part-0123456789ab'));
    const old = new Date('2026-01-02T03:04:05Z');
    utimesSync(join(host.demoCacheDir, 'b.jpg'), old, old);
    expect(await cachedPhotos(host)).toEqual({ files: 2, oldest: old.getTime() });
  });
});
