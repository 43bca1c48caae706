// Abort plumbing shared by core and the Feishu client: what an aborted signal rejects with, and the one race
// of a promise against a signal.

/** The signal's reason, or a standard AbortError when it was aborted without one. */
export function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('Aborted', 'AbortError');
}

/**
 * Rejects when signal aborts, without cancelling the shared work behind `p`. The rejection is the
 * signal's reason, or what `reason` makes (the Feishu client rejects with its own cancel code).
 */
export function withSignal<T>(p: Promise<T>, signal?: AbortSignal, reason: (s: AbortSignal) => unknown = abortReason): Promise<T> {
  if (!signal) return p;
  if (signal.aborted) return Promise.reject(reason(signal));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(reason(signal));
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(e);
      },
    );
  });
}
