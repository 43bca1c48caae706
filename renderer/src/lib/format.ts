// Local formatting of counts, times, sizes and durations.
// One formatter per locale: building an Intl.DateTimeFormat costs far more than using one, and
// every visible row formats a time.
const dateTimeFormats = new Map<string, Intl.DateTimeFormat>();

export function formatUpdateTime(unixSeconds: number | null | undefined, locale: string): string {
  if (unixSeconds == null) return '';
  let f = dateTimeFormats.get(locale);
  if (!f) dateTimeFormats.set(locale, (f = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' })));
  return f.format(new Date(unixSeconds * 1000));
}

const clockFormats = new Map<string, Intl.DateTimeFormat>();

/** The time of day only, 24-hour ("10:42"), of a time in ms. */
export function formatClockTime(ms: number, locale: string): string {
  let f = clockFormats.get(locale);
  if (!f) clockFormats.set(locale, (f = new Intl.DateTimeFormat(locale, { hour: '2-digit', minute: '2-digit', hour12: false })));
  return f.format(new Date(ms));
}

const dateFormats = new Map<string, Intl.DateTimeFormat>();

/** The day only ("2025年7月1日", "Jul 1, 2025"), for names read out by screen readers. */
export function formatUpdateDate(unixSeconds: number | null | undefined, locale: string): string {
  if (unixSeconds == null) return '';
  let f = dateFormats.get(locale);
  if (!f) dateFormats.set(locale, (f = new Intl.DateTimeFormat(locale, { dateStyle: 'medium' })));
  return f.format(new Date(unixSeconds * 1000));
}

const countFormats = new Map<string, Intl.NumberFormat>();

/**
 * A count of employees, photos, departments… in the UI language ("19,794" in both zh-CN and en-US).
 * The one number format of the UI: i18n interpolations run every number through it (see i18n/index.ts),
 * so "全部 19794 人" and "17,855 / 19,794" cannot appear side by side again.
 */
export function formatCount(n: number, locale: string): string {
  if (!Number.isFinite(n)) return String(n);
  let f = countFormats.get(locale);
  if (!f) countFormats.set(locale, (f = new Intl.NumberFormat(locale, { maximumFractionDigits: 0 })));
  return f.format(n);
}

export function formatBytes(bytes: number, locale: string): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let v = bytes;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  const n = new Intl.NumberFormat(locale, { maximumFractionDigits: i === 0 ? 0 : 1 }).format(v);
  return `${n} ${units[i]}`;
}

/** h:mm:ss or m:ss, for the export ETA. */
export function formatDuration(totalSeconds: number): string {
  const s = Math.max(0, Math.round(totalSeconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  const pad = (x: number) => String(x).padStart(2, '0');
  return h > 0 ? `${h}:${pad(m)}:${pad(sec)}` : `${m}:${pad(sec)}`;
}

/**
 * Builds the formatters the first rows use. The page's first Intl formatter loads ICU's data (~35 ms of one
 * task); called while the window waits for its first answers (main.tsx), that load is off the first rows' path.
 */
export function warmFormatters(locale: string): void {
  formatUpdateTime(0, locale);
  formatClockTime(0, locale);
  formatCount(0, locale);
}
