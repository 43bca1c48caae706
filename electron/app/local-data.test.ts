// "Erase all local data": every data folder is emptied, the audit log last, and the erase is recorded while
// everything is still there; the privacy summary counts what is in the photo caches.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { appendAudit } from '../core/audit/index';
import { auditHandlers } from './audit-handlers';
import { auditDirOf, type AuditTrail } from './audit-trail';
import { createExportNotice } from './export-notice';
import type { AppHost } from './host';
import { cachedPhotos, localDataFolders } from './local-data';
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
    expect(audit.record).toHaveBeenCalledTimes(1);
    expect(audit.record).toHaveBeenCalledWith('data.erase', { folders: ['photo-cache', 'demo-photo-cache', 'photo-archive', 'demo-photo-archive', 'directory-snapshots', 'logs', 'export-notice', 'audit'] });
    expect(seenWhenRecorded).toEqual([true, true, true]);
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
      host.logDir,
      join(root, 'export-notice.json'),
    ]);
    expect(localDataFolders({ ...host, logDir: undefined }).map((f) => f.name)).not.toContain('logs');
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
