// The audit log as Settings shows it, over a real log file: an export of more than 50 employees counts every
// one of them in its row and in the privacy summary (the log once kept only the first 50 user IDs).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { appendAudit, auditLogPath, readLog } from '../core/audit/index';
import { auditRow, distinctEmployees } from './audit-view';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'fa-audit-view-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('audit view of a large export', () => {
  it('counts all 120 exported employees in the row and, with one more opened, 121 in the summary', async () => {
    const ids = Array.from({ length: 120 }, (_, i) => `u${i}`);
    await appendAudit(dir, { action: 'export', tenant: 'demo', fields: { scope: 'selection', userIds: ids } });
    await appendAudit(dir, { action: 'detail.open', tenant: 'demo', fields: { userId: 'u7' } });
    await appendAudit(dir, { action: 'detail.open', tenant: 'demo', fields: { userId: 'someone-else' } });
    const entries = await readLog(auditLogPath(dir));
    expect(auditRow(entries[0]!).count).toBe(120);
    expect(distinctEmployees(entries)).toBe(121);
  });
});
