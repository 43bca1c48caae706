// The one sliding window of request (or event) times: the Feishu limiter, the exporter's progress meter and the
// simulator's rate windows all count how many times fall within the last `spanMs`.

/** Times within the last `spanMs`, pruned from the front without shifting the array on every call. */
export class SlidingWindow {
  private times: number[] = [];
  private head = 0;

  constructor(readonly spanMs: number) {}

  /** Records one more time (callers add them in order). */
  add(t: number): void {
    this.times.push(t);
  }

  /** How many recorded times fall within the window ending at `now` (a time exactly `spanMs` old has left). */
  count(now: number): number {
    while (this.head < this.times.length && (this.times[this.head] as number) <= now - this.spanMs) this.head++;
    // Drop the pruned front now and then, so a long run does not keep every time ever recorded.
    if (this.head > 1024 && this.head * 2 > this.times.length) {
      this.times = this.times.slice(this.head);
      this.head = 0;
    }
    return this.times.length - this.head;
  }

  /** Milliseconds until one more may be added with at most `limit` in the window (0 = now). */
  waitMs(now: number, limit: number): number {
    if (this.count(now) < limit) return 0;
    // The time that has to leave the window before one more fits.
    const blocker = this.times[this.times.length - limit] as number;
    return Math.max(1, blocker + this.spanMs - now + 1);
  }

  /** Whole seconds until the oldest time in the window leaves it (at least 1), as a rate-limit reset header says. */
  resetSeconds(now: number): number {
    this.count(now);
    const oldest = this.times[this.head] ?? now;
    return Math.max(1, Math.ceil((oldest + this.spanMs - now) / 1000));
  }
}
