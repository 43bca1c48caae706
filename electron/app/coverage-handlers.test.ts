// The coverage view's channels over a real core and the simulated tenant: figures, and "export list" through the
// save dialog (cancelled, named without its extension, written in the asked language).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { parseCsv } from '../core/manifest';
import { startRig, type CoreRig } from '../core/core.testkit';
import { coverageFileName, coverageHandlers } from './coverage-handlers';
import type { AppHost } from './host';

let rig: CoreRig;
const chooseSavePath = vi.fn<(name: string) => Promise<string | null>>();
const record = vi.fn(async () => {});
let handlers: ReturnType<typeof coverageHandlers>;

beforeAll(async () => {
  rig = await startRig({ seed: 5, employees: 80 });
  handlers = coverageHandlers({ chooseSavePath } as unknown as AppHost, async () => rig.core, { record });
});
afterAll(() => rig.close());

describe('coverage channels', () => {
  it('answers the whole company with every department and group', async () => {
    const cov = await handlers.coverage({ staleMonths: 24 });
    expect(cov.company.counts.total).toBe(rig.sim.tenant.users.filter((u) => !u.status.is_resigned).length);
    expect(cov.groups).toHaveLength(rig.sim.tenant.groups.length);
  });

  it('writes the list where the admin chose, adds the extension they deleted, and writes nothing when cancelled', async () => {
    chooseSavePath.mockResolvedValueOnce(null);
    expect(await handlers.coverageExport({ scope: { kind: 'all' }, staleMonths: 24, lang: 'en-US', by: 'department', format: 'csv' })).toBeNull();
    expect(chooseSavePath).toHaveBeenLastCalledWith(expect.stringMatching(/^coverage-\d{4}-\d{2}-\d{2}\.csv$/));

    const bare = join(rig.root, 'list-for-managers');
    chooseSavePath.mockResolvedValueOnce(bare);
    const group = rig.sim.tenant.groups[0]!;
    const res = await handlers.coverageExport({ scope: { kind: 'group', id: group.group_id }, staleMonths: 24, lang: 'zh-CN', by: 'group', format: 'csv' });
    expect(res).toEqual({ path: `${bare}.csv`, rows: group.user_ids.filter((id) => !rig.sim.tenant.users.find((u) => u.user_id === id)!.status.is_resigned).length });
    expect(existsSync(bare)).toBe(false);
    expect(parseCsv(readFileSync(`${bare}.csv`, 'utf8'))[0]![0]).toBe('姓名');
  });

  it('records each saved list in the audit log (what, how many employees, the file; no photo), and nothing when cancelled', async () => {
    record.mockClear();
    chooseSavePath.mockResolvedValueOnce(null);
    await handlers.coverageExport({ scope: { kind: 'all' }, staleMonths: 12, lang: 'en-US', by: 'department', format: 'xlsx' });
    expect(record).not.toHaveBeenCalled();
    const file = join(rig.root, 'coverage.xlsx');
    chooseSavePath.mockResolvedValueOnce(file);
    const res = await handlers.coverageExport({ scope: { kind: 'all' }, staleMonths: 12, lang: 'en-US', by: 'department', format: 'xlsx' });
    expect(record).toHaveBeenCalledTimes(1);
    expect(record).toHaveBeenCalledWith('coverage.export', { filter: { kind: 'all' }, employees: res!.rows, file, format: 'xlsx', lang: 'en-US', by: 'department', staleMonths: 12, via: 'app coverage' });
    expect(res!.rows).toBe(rig.sim.tenant.users.filter((u) => !u.status.is_resigned).length);
  });

  it('names the proposed file after the local date', () => {
    expect(coverageFileName(new Date(2026, 0, 5, 23, 59), 'xlsx')).toBe('coverage-2026-01-05.xlsx');
  });
});
