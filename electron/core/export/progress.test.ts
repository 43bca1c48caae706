// The progress meter on its own, with a manual clock: what the admin reads as rate and ETA, and how often.
import { describe, expect, it } from 'vitest';
import type { ExportProgress } from '../../../shared/model';
import { ProgressMeter } from './progress';

function meter(total: number) {
  let t = 1_000_000;
  const events: ExportProgress[] = [];
  const m = new ProgressMeter('job', total, () => t, (p) => events.push(p));
  return { m, events, advance: (ms: number) => (t += ms) };
}

describe('ProgressMeter', () => {
  it('shows the save rate over the last 5 s, and no rate nor ETA once nothing was handled for that long', () => {
    const { m, advance } = meter(100);
    m.start();
    for (let i = 0; i < 20; i++) {
      advance(250);
      m.count('saved');
    }
    // 20 photos in 5 s: 4 per second, 80 employees left at 4 per second.
    expect(m.snapshot()).toMatchObject({ done: 20, saved: 20, rate: 4, etaSeconds: 20 });
    // 2.5 s later only the last 10 saves are within the window.
    advance(2500);
    expect(m.snapshot()).toMatchObject({ done: 20, rate: 2, etaSeconds: 40 });
    advance(2500);
    expect(m.snapshot()).toMatchObject({ done: 20, rate: 0, etaSeconds: null });
  });

  it('does not count rows settled while planning (no photo) in the rate or the ETA', () => {
    const { m, advance } = meter(10);
    for (let i = 0; i < 8; i++) m.count('no_photo', false);
    m.start();
    advance(2000);
    expect(m.snapshot()).toMatchObject({ done: 8, noPhoto: 8, rate: 0, etaSeconds: null });
    m.count('saved');
    // One photo in 2 s: half a photo per second, the 1 employee left in 2 s.
    expect(m.snapshot()).toMatchObject({ done: 9, rate: 0.5, etaSeconds: 2 });
  });

  it('sends at most one event per 100 ms, except phase changes, and survives a listener that throws', () => {
    const { m, events, advance } = meter(3);
    m.start();
    m.count('saved');
    m.emit();
    m.count('saved');
    m.emit();
    expect(events).toHaveLength(1);
    m.enter('done');
    expect(events.map((e) => e.phase)).toEqual(['preparing', 'done']);
    advance(100);
    m.emit();
    expect(events).toHaveLength(3);
    const broken = new ProgressMeter('job', 1, () => 0, () => {
      throw new Error('listener bug');
    });
    expect(() => broken.emit(true)).not.toThrow();
  });
});
