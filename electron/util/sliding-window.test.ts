import { describe, expect, it } from 'vitest';
import { SlidingWindow } from './sliding-window';

describe('SlidingWindow', () => {
  it('counts the times of the last span; a time exactly one span old has left', () => {
    const w = new SlidingWindow(1000);
    w.add(0);
    w.add(400);
    w.add(900);
    expect(w.count(999)).toBe(3);
    expect(w.count(1000)).toBe(2);
    expect(w.count(1400)).toBe(1);
    expect(w.count(5000)).toBe(0);
  });

  it('says how long until one more fits under a limit', () => {
    const w = new SlidingWindow(1000);
    expect(w.waitMs(0, 2)).toBe(0);
    w.add(0);
    w.add(100);
    expect(w.waitMs(200, 3)).toBe(0);
    // The first of the last two has to leave: at 1000 it is exactly one span old, so 1001 - 200.
    expect(w.waitMs(200, 2)).toBe(801);
    expect(w.waitMs(1001, 2)).toBe(0);
  });

  it('reports whole seconds until the oldest time leaves (a whole span when empty)', () => {
    const w = new SlidingWindow(60_000);
    expect(w.resetSeconds(0)).toBe(60);
    w.add(1000);
    w.add(30_000);
    expect(w.resetSeconds(1500)).toBe(60);
    expect(w.resetSeconds(61_500)).toBe(29);
  });

  it('keeps counting right after many times have been pruned', () => {
    const w = new SlidingWindow(10);
    for (let t = 0; t < 5000; t++) w.add(t);
    expect(w.count(5000)).toBe(9);
    w.add(5000);
    expect(w.count(5000)).toBe(10);
    expect(w.waitMs(5000, 10)).toBe(2);
  });
});
