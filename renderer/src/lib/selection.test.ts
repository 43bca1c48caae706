import { describe, expect, it } from 'vitest';
import { applyRange, applyRangeIn, isSelected, pagesFor, rangeBetween, resolveToIds, sameFilter, selectedCount, toExportSelection, toggleId, toggleIn, type Selection } from './selection';

describe('selection', () => {
  it('toggles one employee without touching the others', () => {
    const a = toggleId(new Set(['u1', 'u2']), 'u3');
    expect([...a].sort()).toEqual(['u1', 'u2', 'u3']);
    expect([...toggleId(a, 'u1')].sort()).toEqual(['u2', 'u3']);
  });

  it('shift-click gives the whole range the clicked row’s new state', () => {
    const selected = new Set(['u1', 'u9']);
    expect([...applyRange(selected, ['u3', 'u4', 'u5'], true)].sort()).toEqual(['u1', 'u3', 'u4', 'u5', 'u9']);
    expect([...applyRange(new Set(['u3', 'u4', 'u9']), ['u3', 'u4'], false)]).toEqual(['u9']);
  });

  it('orders a range whichever way it was clicked', () => {
    expect(rangeBetween(40, 3)).toEqual([3, 40]);
    expect(rangeBetween(3, 40)).toEqual([3, 40]);
  });

  it('asks only for the pages that hold the rows', () => {
    expect(pagesFor(0, 199, 200)).toEqual([0]);
    expect(pagesFor(195, 205, 200)).toEqual([0, 1]);
    expect(pagesFor(19_990, 19_999, 200)).toEqual([99]);
    expect(pagesFor(5, 4, 200)).toEqual([]);
  });
});

describe('selection of everyone in a filter', () => {
  const filter = { scope: { kind: 'all' as const }, search: '', photo: 'with' as const, includeResigned: false };
  const all: Selection = { kind: 'filter', filter, total: 500, except: new Set() };

  it('counts the filter’s total less the unticked, and sends the filter rather than ids', () => {
    const one = toggleIn(all, 'u7');
    expect(isSelected(one, 'u7')).toBe(false);
    expect(isSelected(one, 'u8')).toBe(true);
    expect(selectedCount(one)).toBe(499);
    expect(selectedCount(one, 520)).toBe(519);
    expect(toExportSelection(all)).toEqual({ kind: 'filter', filter });
    expect(toExportSelection(one)).toEqual({ kind: 'filter', filter, except: ['u7'] });
    expect(toExportSelection(toggleIn(one, 'u7'))).toEqual({ kind: 'filter', filter });
  });

  it('a shift range unticks or ticks again within the filter', () => {
    const off = applyRangeIn(all, ['u1', 'u2', 'u3'], false);
    expect(selectedCount(off)).toBe(497);
    expect(selectedCount(applyRangeIn(off, ['u2', 'u3'], true))).toBe(499);
  });

  it('becomes the plain ids it stood for', () => {
    const s = resolveToIds(toggleIn(all, 'u2'), ['u1', 'u2', 'u3']);
    expect(s).toEqual({ kind: 'ids', ids: new Set(['u1', 'u3']) });
    expect(toExportSelection(s)).toEqual({ kind: 'ids', userIds: ['u1', 'u3'] });
  });

  it('knows two filters apart whatever the key order', () => {
    const dept = { scope: { kind: 'department' as const, id: 'd1', recursive: true }, search: '', photo: 'all' as const, includeResigned: false };
    expect(sameFilter(dept, { includeResigned: false, photo: 'all', search: '', scope: { recursive: true, id: 'd1', kind: 'department' } })).toBe(true);
    expect(sameFilter(dept, { ...dept, scope: { ...dept.scope, recursive: false } })).toBe(false);
  });
});
