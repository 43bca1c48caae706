import { describe, expect, it } from 'vitest';
import { abortReason, withSignal } from './abort';

describe('withSignal', () => {
  it('passes the value through when the signal stays quiet', async () => {
    await expect(withSignal(Promise.resolve(7), new AbortController().signal)).resolves.toBe(7);
    await expect(withSignal(Promise.resolve(8))).resolves.toBe(8);
  });

  it('passes the failure through', async () => {
    await expect(withSignal(Promise.reject(new Error('boom')), new AbortController().signal)).rejects.toThrow('boom');
  });

  it('rejects with the signal reason as soon as it aborts, while the work goes on', async () => {
    const c = new AbortController();
    let finish!: (v: string) => void;
    const work = new Promise<string>((r) => (finish = r));
    const raced = withSignal(work, c.signal);
    c.abort(new Error('stop'));
    await expect(raced).rejects.toThrow('stop');
    finish('done');
    await expect(work).resolves.toBe('done');
  });

  it('rejects at once on an already-aborted signal, with what `reason` makes', async () => {
    const c = new AbortController();
    c.abort();
    await expect(withSignal(new Promise(() => {}), c.signal, () => 'cancelled')).rejects.toBe('cancelled');
  });

  it('reports an AbortError when the signal was aborted without a reason value', () => {
    const reason = abortReason({ reason: undefined } as AbortSignal);
    expect(reason).toBeInstanceOf(DOMException);
    expect((reason as DOMException).name).toBe('AbortError');
  });
});
