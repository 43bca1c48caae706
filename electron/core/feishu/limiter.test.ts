import { describe, expect, it } from 'vitest';
import { EndpointLimiter, LimiterClosed } from './limiter';
import { ManualClock, settle } from './test-server.testkit';

function limiter(clock: ManualClock, extra: Partial<ConstructorParameters<typeof EndpointLimiter>[0]> = {}) {
  return new EndpointLimiter({ ratePerSecond: 48, concurrency: 1000, sleep: clock.sleep, clock, ...extra });
}

/** Queues n calls that record their (virtual) start time and finish at once. */
function queue(l: EndpointLimiter, clock: ManualClock, key: string, n: number) {
  const starts: number[] = [];
  const done = Promise.allSettled(
    Array.from({ length: n }, () =>
      l.run(key, async () => {
        starts.push(clock.now());
      }),
    ),
  );
  return { starts, done };
}

const maxInWindow = (starts: number[], spanMs: number) =>
  Math.max(0, ...starts.map((s) => starts.filter((x) => x >= s && x < s + spanMs).length));

describe('learned rate after 429s', () => {
  it('is cut once, not once per 429, when several 429s without a limit header arrive together', () => {
    const clock = new ManualClock();
    const l = limiter(clock);
    for (let i = 0; i < 5; i++) l.learnLimit('files.download', undefined, 1000);
    expect(l.rate('files.download')).toBe(36);
  });

  it('is not cut when Feishu announces a limit at or above the configured rate', () => {
    const clock = new ManualClock();
    const l = limiter(clock);
    l.learnLimit('files.download', 50, 1000);
    expect(l.rate('files.download')).toBe(48);
  });

  it('climbs back by 1/s every 5 s without a 429, up to the configured rate', async () => {
    const clock = new ManualClock();
    const l = limiter(clock);
    l.learnLimit('k', undefined, 1000);
    expect(l.rate('k')).toBe(36);
    await clock.advanceTo(5_000);
    expect(l.rate('k')).toBe(37);
    await clock.advanceTo(60_000);
    expect(l.rate('k')).toBe(48);
    await clock.advanceTo(600_000);
    expect(l.rate('k')).toBe(48);
  });

  it('cuts again only after the reset window, and a 429 restarts the climb', async () => {
    const clock = new ManualClock();
    const l = limiter(clock);
    l.learnLimit('k', undefined, 2000);
    await clock.advanceTo(1_500);
    l.learnLimit('k', undefined, 2000);
    expect(l.rate('k')).toBe(36);
    await clock.advanceTo(2_100);
    l.learnLimit('k', undefined, 2000);
    expect(l.rate('k')).toBe(27);
    await clock.advanceTo(2_100 + 4_999);
    expect(l.rate('k')).toBe(27);
    await clock.advanceTo(2_100 + 5_000);
    expect(l.rate('k')).toBe(28);
  });

  it('goes to 90 % of a lower announced limit and climbs no higher than just under it', async () => {
    const clock = new ManualClock();
    const l = limiter(clock);
    l.learnLimit('k', 10, 1000);
    expect(l.rate('k')).toBe(9);
    await clock.advanceTo(120_000);
    expect(l.rate('k')).toBe(9);
  });

  it('the queue really runs at the learned rate', async () => {
    const clock = new ManualClock();
    const l = limiter(clock, { ratePerSecond: 20 });
    l.learnLimit('k', 10, 1000);
    const { starts, done } = queue(l, clock, 'k', 30);
    await clock.advanceTo(2_999);
    expect(maxInWindow(starts, 1000)).toBeLessThanOrEqual(9);
    await clock.advanceTo(10_000);
    await done;
    expect(starts).toHaveLength(30);
  });
});

describe('pacing and windows', () => {
  it('spaces requests evenly instead of sending a whole second in one burst', async () => {
    const clock = new ManualClock();
    const l = limiter(clock, { ratePerSecond: 10 });
    const { starts, done } = queue(l, clock, 'k', 25);
    await clock.advanceTo(5_000);
    await done;
    expect(starts).toHaveLength(25);
    expect(maxInWindow(starts, 1000)).toBeLessThanOrEqual(10);
    // At most a pair together; never half a second's budget at once.
    expect(maxInWindow(starts, 100)).toBeLessThanOrEqual(2);
  });

  it('starts 48 requests per second at the default rate', async () => {
    const clock = new ManualClock();
    const l = limiter(clock);
    const { starts, done } = queue(l, clock, 'k', 200);
    await clock.advanceTo(999);
    expect(starts).toHaveLength(48);
    await clock.advanceTo(10_000);
    await done;
    expect(maxInWindow(starts, 1000)).toBe(48);
  });

  it('keeps 48 per second when every timer fires 30 ms late (a loaded machine), never more in any second', async () => {
    const clock = new ManualClock();
    const late = { now: clock.now, sleep: (ms: number, signal?: AbortSignal) => clock.sleep(ms + 30, signal) };
    const l = limiter(clock, { clock: late, sleep: late.sleep });
    const { starts, done } = queue(l, clock, 'k', 480);
    await clock.advanceTo(9_999);
    // Lost time made up, all but the sliding second's own late wake-ups: ≥ 46/s (starting afresh after each late
    // timer managed 39/s).
    expect(starts.length).toBeGreaterThanOrEqual(460);
    await clock.advanceTo(20_000);
    await done;
    expect(maxInWindow(starts, 1000)).toBeLessThanOrEqual(48);
  });

  it('does not burst after an idle spell: a request after a quiet second starts alone', async () => {
    const clock = new ManualClock();
    const l = limiter(clock, { ratePerSecond: 10 });
    const first = queue(l, clock, 'k', 5);
    await clock.advanceTo(3_000);
    await first.done;
    const again = queue(l, clock, 'k', 10);
    await clock.advanceTo(6_000);
    await again.done;
    expect(maxInWindow(again.starts, 100)).toBeLessThanOrEqual(2);
  });

  it('a per-minute window holds an endpoint to its minute budget while allowing per-second bursts', async () => {
    const clock = new ManualClock();
    const l = limiter(clock, { windowsFor: (key) => (key === 'contact' ? [{ limit: 95, spanMs: 60_000 }] : []) });
    const contact = queue(l, clock, 'contact', 200);
    const other = queue(l, clock, 'other', 200);
    await clock.advanceTo(1_999);
    // Both run at the per-second rate at first.
    expect(contact.starts).toHaveLength(95);
    expect(other.starts.length).toBeGreaterThanOrEqual(95);
    await clock.advanceTo(59_999);
    expect(contact.starts).toHaveLength(95);
    expect(other.starts).toHaveLength(200);
    await clock.advanceTo(200_000);
    await contact.done;
    expect(contact.starts).toHaveLength(200);
    expect(maxInWindow(contact.starts, 60_000)).toBeLessThanOrEqual(95);
  });

  it('two endpoints sharing a minute budget stay under it together, not each', async () => {
    const clock = new ManualClock();
    const l = limiter(clock, { windowsFor: () => [{ limit: 95, spanMs: 60_000, shared: 'messages' }] });
    const single = queue(l, clock, 'single', 100);
    const batch = queue(l, clock, 'batch', 100);
    await clock.advanceTo(59_999);
    expect(single.starts.length + batch.starts.length).toBe(95);
    // Neither endpoint is starved: both got a share of the first minute.
    expect(single.starts.length).toBeGreaterThan(20);
    expect(batch.starts.length).toBeGreaterThan(20);
    await clock.advanceTo(400_000);
    await Promise.all([single.done, batch.done]);
    const all = [...single.starts, ...batch.starts].sort((a, b) => a - b);
    expect(all).toHaveLength(200);
    expect(maxInWindow(all, 60_000)).toBeLessThanOrEqual(95);
  });
});

describe('close', () => {
  it('cancels pause timers and fails queued calls', async () => {
    const clock = new ManualClock();
    const signals: (AbortSignal | undefined)[] = [];
    const l = limiter(clock, {
      sleep: (ms, signal) => {
        signals.push(signal);
        return clock.sleep(ms, signal);
      },
    });
    l.pause('k', 60_000);
    const queued = l.run('k', async () => 'ran');
    await settle();
    expect(l.isPaused('k')).toBe(true);
    expect(clock.pending).toBe(1);
    l.close();
    expect(signals[0]?.aborted).toBe(true);
    await expect(queued).rejects.toBeInstanceOf(LimiterClosed);
    await settle();
    expect(clock.pending).toBe(0);
  });

  it('leaves no real timer running after close (a CLI can exit)', async () => {
    const timers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    const before = timers();
    const realSleep = (ms: number, signal?: AbortSignal) =>
      new Promise<void>((resolve, reject) => {
        const t = setTimeout(resolve, ms);
        signal?.addEventListener('abort', () => (clearTimeout(t), reject(new Error('aborted'))), { once: true });
      });
    const l = new EndpointLimiter({ ratePerSecond: 1, concurrency: 1, sleep: realSleep });
    l.pause('a', 60_000);
    // A gate timer too: the second call waits for the one-second window.
    const first = l.run('b', async () => 1);
    const second = l.run('b', async () => 2).catch((e: unknown) => e);
    await first;
    await settle();
    expect(timers()).toBeGreaterThanOrEqual(before + 2);
    l.close();
    await settle();
    expect(await second).toBeInstanceOf(LimiterClosed);
    expect(timers()).toBe(before);
  });
});
