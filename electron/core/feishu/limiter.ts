// Per-endpoint rate limiting. Feishu's limit is per API, so each endpoint key gets its own
// sliding-window queue; a 429 pauses that endpoint's whole queue so a storm doesn't multiply.
import PQueue from 'p-queue';

export interface EndpointLimiterOptions {
  ratePerSecond: number;
  /** Requests in flight per endpoint. */
  concurrency: number;
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/**
 * A sliding one-second window with a cap that can only go down. It comes into play once Feishu
 * has told us (by a 429) that an endpoint's real limit is below our configured rate, so the
 * retries after a storm do not trigger the next one.
 */
class LearnedRate {
  private readonly starts: number[] = [];
  constructor(public cap: number) {}

  async take(signal?: AbortSignal): Promise<void> {
    for (;;) {
      const t = Date.now();
      while (this.starts.length && (this.starts[0] as number) <= t - 1000) this.starts.shift();
      if (this.starts.length < this.cap) {
        this.starts.push(t);
        return;
      }
      await realSleep((this.starts[0] as number) + 1000 - t + 1, signal);
    }
  }
}

// Rate gating is about wall-clock time, so it uses real timers even when tests inject a fast sleep.
function realSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

export class EndpointLimiter {
  private readonly queues = new Map<string, PQueue>();
  private readonly learned = new Map<string, LearnedRate>();
  private readonly pauses = new Map<string, number>();
  private closed = false;

  constructor(private readonly opts: EndpointLimiterOptions) {}

  private queue(key: string): PQueue {
    let q = this.queues.get(key);
    if (!q) {
      q = new PQueue({
        concurrency: this.opts.concurrency,
        intervalCap: Math.max(1, Math.floor(this.opts.ratePerSecond)),
        interval: 1000,
        // Sliding window: a fixed window lets two full bursts meet at the boundary.
        strict: true,
      });
      this.queues.set(key, q);
    }
    return q;
  }

  /** Runs fn when the endpoint's budget allows. Rejects with the queue's AbortError when signal aborts first. */
  run<T>(key: string, fn: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    return this.queue(key).add(async () => {
      await this.learned.get(key)?.take(signal);
      return fn();
    }, { signal });
  }

  /**
   * Lowers an endpoint's rate after a 429: to 90 % of the limit Feishu announced
   * (x-ogw-ratelimit-limit), or by a quarter when it announced none (never below a quarter of
   * the configured rate).
   */
  learnLimit(key: string, announced: number | undefined): void {
    const configured = Math.max(1, Math.floor(this.opts.ratePerSecond));
    const current = this.learned.get(key)?.cap ?? configured;
    const next =
      announced !== undefined && Number.isFinite(announced) && announced > 0
        ? Math.max(1, Math.floor(announced * 0.9))
        : Math.max(Math.ceil(configured / 4), Math.floor(current * 0.75));
    if (next >= current) return;
    const gate = this.learned.get(key);
    if (gate) gate.cap = next;
    else this.learned.set(key, new LearnedRate(next));
  }

  /** The rate an endpoint currently runs at (requests per second). */
  rate(key: string): number {
    return this.learned.get(key)?.cap ?? Math.max(1, Math.floor(this.opts.ratePerSecond));
  }

  /**
   * Holds every not-yet-started request of this endpoint for `ms`. Overlapping pauses extend
   * until the last one ends.
   */
  pause(key: string, ms: number): void {
    if (this.closed) return;
    const q = this.queue(key);
    this.pauses.set(key, (this.pauses.get(key) ?? 0) + 1);
    q.pause();
    const resume = () => {
      const left = (this.pauses.get(key) ?? 1) - 1;
      this.pauses.set(key, left);
      if (left <= 0 && !this.closed) q.start();
    };
    this.opts.sleep(ms).then(resume, resume);
  }

  isPaused(key: string): boolean {
    return this.queues.get(key)?.isPaused ?? false;
  }

  /** Stops pausing; queued calls still settle (they fail on the closed dispatcher) rather than hang. */
  close(): void {
    this.closed = true;
    for (const q of this.queues.values()) q.start();
  }
}
