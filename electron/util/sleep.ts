// The one abortable sleep: the Feishu client's retry waits and the limiter's gate timers.
import { abortReason } from './abort';

/** Resolves after `ms`; rejects at once with `reason(signal)` when signal is (or becomes) aborted, and clears the timer. */
export function sleep(ms: number, signal?: AbortSignal, reason: (s: AbortSignal) => unknown = abortReason): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(reason(signal));
    const onAbort = () => {
      clearTimeout(timer);
      reject(reason(signal as AbortSignal));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
