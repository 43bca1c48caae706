// The audit log: one entry per action with its fields, a chain that names the first tampered entry, no secrets,
// safe appends from two processes, and a CSV that Excel cannot run as formulas.
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AUDIT_ACTIONS, GENESIS_HASH, appendAudit, auditCsv, auditLogPath, readLog, tenantLabel, verifyLog, type AuditFields } from './index';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'audit-test-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const file = () => auditLogPath(dir);
const lines = async () => (await readFile(file(), 'utf8')).split('\n').filter((l) => l !== '');
const writeLines = (ls: string[]) => writeFile(file(), ls.map((l) => `${l}\n`).join(''));

async function appendSome(n: number): Promise<void> {
  for (let i = 0; i < n; i++) await appendAudit(dir, { action: 'detail.open', tenant: 'demo', fields: { userId: `u${i + 1}` } });
}

describe('audit log entries', () => {
  it('writes one entry per action with seq, time, OS user, tenant, fields and the chain', async () => {
    const fields: Record<string, AuditFields> = {
      export: { scope: 'all', employees: 12, folder: '/backup/faces', zip: true, purpose: 'annual review', saved: 10, upToDate: 1, noPhoto: 1, failed: 0 },
      'photo.save': { userId: 'u1', file: '/tmp/x.jpg', via: 'check --out' },
    };
    const tenant = tenantLabel({ demo: false, appId: 'cli_a1b2', baseUrl: 'https://open.feishu.cn' });
    expect(tenant).toBe('cli_a1b2@open.feishu.cn');
    let t = Date.UTC(2026, 0, 2, 3, 4, 5);
    for (const action of AUDIT_ACTIONS) await appendAudit(dir, { action, tenant, actor: 'hr-admin', fields: fields[action] ?? { n: 1 }, now: () => t++ });

    const entries = await readLog(file());
    expect(entries.map((e) => e.action)).toEqual([...AUDIT_ACTIONS]);
    expect(entries.map((e) => e.seq)).toEqual(AUDIT_ACTIONS.map((_, i) => i + 1));
    expect(entries[0]).toMatchObject({ at: '2026-01-02T03:04:05.000Z', actor: 'hr-admin', tenant, prev: GENESIS_HASH });
    expect(entries[1]?.prev).toBe(entries[0]?.hash);
    expect(entries.find((e) => e.action === 'export')).toMatchObject(fields.export as object);
    expect(await verifyLog(file())).toEqual({ ok: true, entries: AUDIT_ACTIONS.length });
  });

  it('records the OS user by default and keeps the file to its owner (0600)', async () => {
    const entry = await appendAudit(dir, { action: 'cache.clear', tenant: 'demo' });
    expect(entry.actor).not.toBe('');
    expect(entry.actor).not.toBe('unknown');
    if (process.platform !== 'win32') expect((await stat(file())).mode & 0o777).toBe(0o600);
  });

  it('never lets an action field replace seq, hash or prev', async () => {
    await appendSome(1);
    const e = await appendAudit(dir, { action: 'export', tenant: 'demo', fields: { seq: 99, hash: 'x', prev: 'y', actor: 'mallory' } });
    expect(e).toMatchObject({ seq: 2 });
    expect(e.actor).not.toBe('mallory');
    expect(await verifyLog(file())).toEqual({ ok: true, entries: 2 });
  });
});

describe('audit log secrets', () => {
  it('never writes a secret or token put into a field, the tenant or nested data', async () => {
    const secret = 'S3cr3tAppSecretValue0123456789';
    const token = 't-g1044ghJ3KLMNOPQRSTUVWX';
    await appendAudit(dir, {
      action: 'export',
      tenant: `cli_x@open.feishu.cn ${token}`,
      secrets: [secret],
      fields: {
        purpose: `audit ${secret} and Bearer ${token}`,
        folder: `/home/hr/${secret}`,
        app_secret: 'whatever-it-is',
        nested: { note: `access_token=${token}`, list: [token] },
      },
    });
    const text = await readFile(file(), 'utf8');
    expect(text).not.toContain(secret);
    expect(text).not.toContain(token.slice(2));
    expect(text).not.toContain('whatever-it-is');
    expect(await verifyLog(file())).toMatchObject({ ok: true });
  });
});

describe('audit log photos', () => {
  it('never writes photo bytes, even when a caller passes them in a field', async () => {
    const jpeg = Buffer.from([0xff, 0xd8, 0xff, 0xe0, ...Buffer.from('JFIF-face-pixels-0123456789')]);
    await appendAudit(dir, { action: 'photo.save', tenant: 'demo', fields: { userId: 'u1', photo: jpeg as unknown as string } });
    const raw = await readFile(file());
    expect(raw.includes(Buffer.from([0xff, 0xd8, 0xff]))).toBe(false);
    expect(raw.toString('utf8')).not.toContain('face-pixels');
    expect((await readLog(file()))[0]).toMatchObject({ userId: 'u1', photo: `[${jpeg.length} bytes]` });
  });
});

describe('audit log verify', () => {
  it('names the first entry whose line was edited, even by one byte', async () => {
    await appendSome(5);
    const ls = await lines();
    ls[2] = (ls[2] ?? '').replace('"u3"', '"u4"');
    await writeLines(ls);
    expect(await verifyLog(file())).toMatchObject({ ok: false, line: 3, seq: 3, reason: 'hash' });
  });

  it('names the entry after a deleted line', async () => {
    await appendSome(5);
    const ls = await lines();
    ls.splice(1, 1);
    await writeLines(ls);
    expect(await verifyLog(file())).toMatchObject({ ok: false, line: 2, seq: 2, reason: 'chain' });
  });

  it('names the first of two swapped lines', async () => {
    await appendSome(5);
    const ls = await lines();
    [ls[3], ls[4]] = [ls[4] ?? '', ls[3] ?? ''];
    await writeLines(ls);
    expect(await verifyLog(file())).toMatchObject({ ok: false, line: 4, seq: 4 });
  });

  it('names a line cut short in the middle, and keeps appending after it', async () => {
    await appendSome(3);
    const ls = await lines();
    ls[1] = (ls[1] ?? '').slice(0, 40);
    await writeLines(ls);
    expect(await verifyLog(file())).toMatchObject({ ok: false, line: 2, reason: 'unreadable' });
    await appendSome(1);
    expect(await lines()).toHaveLength(4);
    expect(await verifyLog(file())).toMatchObject({ ok: false, line: 2 });
  });

  it('detects an entry whose hash was recomputed after an edit (the next link breaks)', async () => {
    await appendSome(3);
    const ls = await lines();
    const { entryHash } = await import('./entry');
    const e = JSON.parse(ls[0] ?? '{}') as Record<string, unknown>;
    e.userId = 'someone-else';
    e.hash = entryHash(e as never);
    ls[0] = JSON.stringify(e);
    await writeLines(ls);
    expect(await verifyLog(file())).toMatchObject({ ok: false, line: 2, reason: 'chain' });
  });

  it('reports an empty or missing log as intact', async () => {
    expect(await verifyLog(file())).toEqual({ ok: true, entries: 0 });
  });
});

describe('audit log concurrency', () => {
  it('keeps the chain valid when two processes append at once', { timeout: 90_000 }, async () => {
    const fixture = path.join(import.meta.dirname, 'append-child.fixture.ts');
    const run = (who: string) =>
      new Promise<number | null>((resolve, reject) => {
        const child = spawn(process.execPath, ['--import', 'tsx', fixture, dir, '150', who], { stdio: 'ignore' });
        child.on('error', reject);
        child.on('close', resolve);
      });
    expect(await Promise.all([run('a'), run('b')])).toEqual([0, 0]);
    const entries = await readLog(file());
    expect(entries).toHaveLength(300);
    expect(new Set(entries.map((e) => e.userId)).size).toBe(300);
    expect(await verifyLog(file())).toEqual({ ok: true, entries: 300 });
  });
});

describe('audit log CSV', () => {
  it('starts with a BOM and keeps formula-like cells as text', async () => {
    await appendAudit(dir, { action: 'export', tenant: '=HYPERLINK("http://evil")', actor: '@admin', fields: { purpose: '+1' } });
    const csv = auditCsv(await readLog(file()));
    expect(csv.startsWith('\ufeff')).toBe(true);
    const rows = parse(csv, { bom: true, columns: true }) as Record<string, string>[];
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ seq: '1', action: 'export', tenant: `'=HYPERLINK("http://evil")`, actor: "'@admin" });
    expect(JSON.parse(rows[0]?.details ?? '{}')).toEqual({ purpose: '+1' });
    for (const cell of Object.values(rows[0] ?? {})) expect(cell).not.toMatch(/^[=+\-@]/);
  });
});

describe('audit log CSV of a whole-company export', () => {
  /** Excel keeps at most this many characters in a cell; a longer one is cut or breaks the row. */
  const EXCEL_CELL_MAX = 32_767;

  it('keeps all 20,000 user IDs in the log, and a CSV whose details cell fits Excel: the count, the first IDs and how many more', async () => {
    const ids = Array.from({ length: 20_000 }, (_, i) => `ou_${i.toString(16).padStart(32, '0')}`);
    await appendAudit(dir, { action: 'export', tenant: 'demo', fields: { scope: 'all', employees: ids.length, userIds: ids, purpose: 'p'.repeat(500) } });
    await appendAudit(dir, { action: 'detail.open', tenant: 'demo', fields: { userId: 'u1' } });
    const entries = await readLog(file());
    expect(entries[0]?.userIds).toEqual(ids);
    expect(await verifyLog(file())).toEqual({ ok: true, entries: 2 });

    const rows = parse(auditCsv(entries), { bom: true, columns: true }) as Record<string, string>[];
    expect(rows.map((r) => r.action)).toEqual(['export', 'detail.open']);
    for (const row of rows) for (const cell of Object.values(row)) expect(cell.length).toBeLessThanOrEqual(EXCEL_CELL_MAX);
    const details = JSON.parse(rows[0]!.details!) as { employees: number; userIds: string[]; purpose: string };
    expect(details.employees).toBe(20_000);
    expect(details.purpose).toBe('p'.repeat(500));
    const shown = details.userIds.slice(0, -1);
    expect(shown.length).toBeGreaterThan(100);
    expect(shown).toEqual(ids.slice(0, shown.length));
    expect(details.userIds.at(-1)).toBe(`…and ${20_000 - shown.length} more (all in the audit log)`);
  });
});
