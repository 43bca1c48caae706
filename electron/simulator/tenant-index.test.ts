import { describe, expect, it } from 'vitest';
import { generateTenant } from './tenant';
import { buildTenantIndex } from './tenant-index';

const generated = (): ReturnType<typeof generateTenant> =>
  generateTenant({ seed: 3, employees: 300, departments: 20, groups: 3, enrolledShare: 0.9, hostile: false, twinDepartments: false });

describe('tenant index', () => {
  it('lists every department under the root once, each parent before its children', () => {
    const g = generated();
    const list = buildTenantIndex(g).descendantsOf('0');
    expect(list.map((d) => d.open_department_id).sort()).toEqual(g.tenant.departments.map((d) => d.open_department_id).sort());
    const position = new Map(list.map((d, i) => [d.open_department_id, i]));
    for (const d of list) if (d.parent_department_id !== '0') expect(position.get(d.parent_department_id)).toBeLessThan(position.get(d.open_department_id) as number);
  });

  it('walks a department tree once, not again for every page of fetch_child', () => {
    const index = buildTenantIndex(generated());
    const first = index.descendantsOf('0');
    expect(index.descendantsOf('0')).toBe(first);
    const sub = first.find((d) => (index.childrenOf.get(d.open_department_id)?.length ?? 0) > 0);
    expect(sub).toBeDefined();
    const below = index.descendantsOf(sub?.open_department_id as string);
    expect(below.length).toBeGreaterThan(0);
    expect(below.every((d) => first.includes(d))).toBe(true);
    expect(index.descendantsOf(sub?.open_department_id as string)).toBe(below);
  });

  it('serves a face a test put straight into tenant.faces, and keeps an old face_key downloadable', () => {
    const g = generated();
    const index = buildTenantIndex(g);
    const userId = g.tenant.users[0]?.user_id as string;
    const old = g.tenant.faces.get(userId);
    const added = { face_key: 'f'.repeat(32), face_key_update_time: '1800000000', mime: 'image/png' as const };
    g.tenant.faces.set(userId, added);
    expect(index.fileFor(added.face_key)).toBe(added);
    expect(index.usedFaceKeys.has(added.face_key)).toBe(true);
    if (old) expect(index.fileFor(old.face_key)).toBe(old);
    expect(index.fileFor('no-such-key')).toBeUndefined();
  });
});
