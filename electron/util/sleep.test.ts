import { afterEach, describe, expect, it, vi } from 'vitest';
import { sleep } from './sleep';

afterEach(() => {
  vi.useRealTimers();
});

describe('sleep', () => {
  it('resolves after the time given', async () => {
    vi.useFakeTimers();
    let done = false;
    const p = sleep(500).then(() => (done = true));
    await vi.advanceTimersByTimeAsync(499);
    expect(done).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    await p;
    expect(done).toBe(true);
  });

  it('rejects as soon as the signal aborts and leaves no timer behind', async () => {
    vi.useFakeTimers();
    const c = new AbortController();
    const p = sleep(60_000, c.signal, () => new Error('cancelled'));
    c.abort();
    await expect(p).rejects.toThrow('cancelled');
    expect(vi.getTimerCount()).toBe(0);
  });

  it('rejects at once with the signal reason when it was already aborted', async () => {
    const c = new AbortController();
    c.abort(new Error('gone'));
    await expect(sleep(60_000, c.signal)).rejects.toThrow('gone');
  });
});
