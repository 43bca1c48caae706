// Local formatting of times, sizes and durations.
// One formatter per locale: building an Intl.DateTimeFormat costs far more than using one, and
// every visible row formats a time.
const dateTimeFormats = new Map<string, Intl.DateTimeFormat>();

export function formatUpdateTime(unixSeconds: number | null | undefined, locale: string): string {
  if (unixSeconds == null) return '';
  let f = dateTimeFormats.get(locale);
  if (!f) dateTimeFormats.set(locale, (f = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' })));
  return f.format(new Date(unixSeconds * 1000));
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
