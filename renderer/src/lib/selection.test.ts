import { describe, expect, it } from 'vitest';
import { applyRange, pagesFor, rangeBetween, toggleId } from './selection';

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
