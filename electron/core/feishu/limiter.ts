// Per-endpoint rate limiting. Feishu's limit is per API, so each endpoint key gets its own
// sliding one-second window (plus, for the contact endpoints, a sliding one-minute window), its
// own concurrency cap, and its own 429 pause, so a storm on one endpoint doesn't multiply. A longer
// window can also be shared by several keys (the bot's two message endpoints count against one budget).
import { setMaxListeners } from 'node:events';
import { sleep } from '../../util/sleep';
import { SlidingWindow } from '../../util/sliding-window';

export interface LimiterClock {
  now(): number;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export interface EndpointLimiterOptions {
  /** The configured rate (requests per second per endpoint); the learned rate never exceeds it. */
  ratePerSecond: number;
  /** Requests in flight per endpoint. */
  concurrency: number;
  /** Sleep used for 429 pauses (the client's injectable sleep). It gets a signal that close() aborts. */
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Clock for the rate windows and the learned rate. Real time by default (tests inject a virtual one). */
  clock?: LimiterClock;
  /** Extra longer windows per endpoint key, e.g. the contact endpoints' 1000/min. */
  windowsFor?: (key: string) => LongerWindow[];
  /** After this long without a 429, a lowered rate climbs back by 1/s (default 5 s). */
  recoverEveryMs?: number;
}

/** A window beyond the per-second one. Keys naming the same `shared` budget count against one window. */
export interface LongerWindow {
  limit: number;
  spanMs: number;
  shared?: string;
}

/** Thrown to queued calls when the limiter closes. */
export class LimiterClosed extends Error {
  override readonly name = 'AbortError';
}

/** Burst allowance of the pacing at high (simulator) rates; at Feishu's rates it is one spacing. */
const PACING_TOLERANCE_MS = 20;
/**
 * How much of a gate timer's lateness the pacing makes up. On a loaded machine the timer fires 20–60 ms late;
 * starting the pacing afresh from that moment lost the late time for good (an import at 44/s instead of 48/s).
 * The requests owed go at once instead, at most this many milliseconds' worth (5 at 48/s), and never more than
 * the rate within the sliding second.
 */
const MAX_CATCH_UP_MS = 100;

const realClock: LimiterClock = {
  now: () => Date.now(),
  sleep: (ms, signal) => sleep(ms, signal, () => new LimiterClosed('closed')),
};

interface Waiter {
  start: () => void;
  fail: (e: unknown) => void;
}

interface Endpoint {
  readonly key: string;
  readonly second: SlidingWindow;
  readonly longer: { window: SlidingWindow; limit: number }[];
  readonly waiters: Waiter[];
  active: number;
  pauses: number;
  /** A gate timer is pending; it will pump again. */
  timer: boolean;
  /** Pacing: the theoretical start time of the next request (GCRA). */
  tat: number;
  /** The learned rate: `base` at time `since`, climbing by 1 every recoverEveryMs up to `ceiling`. */
  base: number;
  /** configured, or just under a lower limit Feishu announced (climbing past that only buys 429s). */
  ceiling: number;
  since: number;
  /** No further cut before this time (one cut per reset window). */
  noCutUntil: number;
}

export class EndpointLimiter {
  private readonly endpoints = new Map<string, Endpoint>();
  private readonly sharedWindows = new Map<string, SlidingWindow>();
  private readonly configured: number;
  private readonly clock: LimiterClock;
  private readonly recoverEveryMs: number;
  private readonly closing = new AbortController();
  private closed = false;

  constructor(private readonly opts: EndpointLimiterOptions) {
    this.configured = Math.max(1, Math.floor(opts.ratePerSecond));
    this.clock = opts.clock ?? realClock;
    this.recoverEveryMs = Math.max(1, opts.recoverEveryMs ?? 5_000);
    // Every pending pause and gate timer listens to it.
    setMaxListeners(0, this.closing.signal);
  }

  private endpoint(key: string): Endpoint {
    let ep = this.endpoints.get(key);
    if (!ep) {
      ep = {
        key,
        second: new SlidingWindow(1000),
        longer: (this.opts.windowsFor?.(key) ?? []).map((w) => ({ window: this.windowFor(w), limit: Math.max(1, Math.floor(w.limit)) })),
        waiters: [],
        active: 0,
        pauses: 0,
        timer: false,
        tat: 0,
        base: this.configured,
        ceiling: this.configured,
        since: 0,
        noCutUntil: 0,
      };
      this.endpoints.set(key, ep);
    }
    return ep;
  }

  private windowFor(w: LongerWindow): SlidingWindow {
    if (w.shared === undefined) return new SlidingWindow(w.spanMs);
    let window = this.sharedWindows.get(w.shared);
    if (!window) {
      window = new SlidingWindow(w.spanMs);
      this.sharedWindows.set(w.shared, window);
    }
    return window;
  }

  private current(ep: Endpoint, t: number): number {
    if (ep.base >= ep.ceiling) return Math.min(ep.base, this.configured);
    const climbed = Math.floor(Math.max(0, t - ep.since) / this.recoverEveryMs);
    return Math.min(ep.ceiling, ep.base + climbed);
  }

  /** Runs fn when the endpoint's budget allows. Rejects (AbortError) when signal aborts or the limiter closes first. */
  run<T>(key: string, fn: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      if (this.closed) return reject(new LimiterClosed('closed'));
      if (signal?.aborted) return reject(signal.reason);
      const ep = this.endpoint(key);
      const onAbort = () => {
        const i = ep.waiters.indexOf(waiter);
        if (i >= 0) ep.waiters.splice(i, 1);
        reject(signal?.reason);
      };
      const waiter: Waiter = {
        start: () => {
          signal?.removeEventListener('abort', onAbort);
          ep.active++;
          Promise.resolve()
            .then(fn)
            .then(resolve, reject)
            .finally(() => {
              ep.active--;
              this.pump(ep);
            });
        },
        fail: (e) => {
          signal?.removeEventListener('abort', onAbort);
          reject(e);
        },
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      ep.waiters.push(waiter);
      this.pump(ep);
    });
  }

  /** Starts what the budget allows; `catchUpMs`: how much of a late wake-up may be made up (gate timer only). */
  private pump(ep: Endpoint, catchUpMs = 0): void {
    while (ep.waiters.length && !this.closed) {
      if (ep.pauses > 0 || ep.timer || ep.active >= this.opts.concurrency) return;
      const t = this.clock.now();
      const rate = this.current(ep, t);
      // Requests are spaced evenly (with a small burst allowance) rather than sent in one burst per
      // second: a burst arrives skewed, and the late part of one burst meets the early part of the
      // next in Feishu's window. The sliding window stays as the hard cap.
      const spacing = 1000 / rate;
      const tolerance = Math.max(spacing, PACING_TOLERANCE_MS);
      let wait = Math.max(0, Math.ceil(ep.tat - tolerance - t));
      wait = Math.max(wait, ep.second.waitMs(t, rate));
      for (const w of ep.longer) wait = Math.max(wait, w.window.waitMs(t, w.limit));
      if (wait > 0) {
        ep.timer = true;
        const again = () => {
          ep.timer = false;
          this.pump(ep, MAX_CATCH_UP_MS);
        };
        this.clock.sleep(wait, this.closing.signal).then(again, again);
        return;
      }
      // Only the gate timer's own lateness is made up: after an idle spell or a pause the pacing starts afresh.
      ep.tat = Math.max(ep.tat, t - catchUpMs) + spacing;
      ep.second.add(t);
      for (const w of ep.longer) w.window.add(t);
      ep.waiters.shift()!.start();
    }
  }

  /**
   * Learns from a 429. The rate is cut at most once per reset window (`windowMs`), and only when
   * Feishu announced (x-ogw-ratelimit-limit) a limit below the configured rate — then to 90 % of
   * it — or announced none — then by a quarter (never below a quarter of the configured rate).
   * Any 429 restarts the slow climb back (+1/s per recoverEveryMs without a 429), up to the
   * configured rate, or up to one below the announced limit when Feishu announced a lower one.
   */
  learnLimit(key: string, announced: number | undefined, windowMs = 1000): void {
    const ep = this.endpoint(key);
    const t = this.clock.now();
    const cur = this.current(ep, t);
    ep.base = cur;
    ep.since = t;
    if (t < ep.noCutUntil) return;
    if (announced === undefined) ep.ceiling = this.configured;
    let next = cur;
    if (announced !== undefined && Number.isFinite(announced) && announced > 0) {
      ep.ceiling = announced < this.configured ? Math.max(1, Math.floor(announced) - 1) : this.configured;
      if (announced < this.configured) next = Math.min(cur, Math.max(1, Math.floor(announced * 0.9)));
    } else {
      next = Math.max(Math.ceil(this.configured / 4), Math.floor(cur * 0.75));
    }
    if (next >= cur) return;
    ep.base = next;
    ep.noCutUntil = t + Math.max(1000, windowMs);
  }

  /** The rate an endpoint currently runs at (requests per second). */
  rate(key: string): number {
    const ep = this.endpoints.get(key);
    return ep ? this.current(ep, this.clock.now()) : this.configured;
  }

  /**
   * Holds every not-yet-started request of this endpoint for `ms`. Overlapping pauses extend
   * until the last one ends. close() cancels the timer.
   */
  pause(key: string, ms: number): void {
    if (this.closed) return;
    const ep = this.endpoint(key);
    ep.pauses++;
    const resume = () => {
      ep.pauses = Math.max(0, ep.pauses - 1);
      this.pump(ep);
    };
    this.opts.sleep(ms, this.closing.signal).then(resume, resume);
  }

  isPaused(key: string): boolean {
    return (this.endpoints.get(key)?.pauses ?? 0) > 0;
  }

  /** Cancels every pause and gate timer and fails the calls still queued (running ones settle on their own). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.closing.abort();
    for (const ep of this.endpoints.values()) {
      for (const w of ep.waiters.splice(0)) w.fail(new LimiterClosed('closed'));
    }
  }
}
