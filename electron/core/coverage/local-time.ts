// Times in the list are the admin's wall-clock time, not UTC: an HR admin in Beijing reading "02:00" for a photo
// changed at 10:00 local would be misled. The time zone is injected (the system's by default) so tests can fix it.

export interface WallClock {
  year: number;
  month: number; // 1–12
  day: number;
  hour: number;
  minute: number;
  second: number;
}

export function systemTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

/** The wall-clock reading of an instant (Unix seconds) in a time zone. */
export function wallClock(unixSeconds: number, timeZone: string): WallClock {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(new Date(unixSeconds * 1000));
  const get = (type: Intl.DateTimeFormatPartTypes) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  return { year: get('year'), month: get('month'), day: get('day'), hour: get('hour'), minute: get('minute'), second: get('second') };
}

const two = (n: number) => String(n).padStart(2, '0');

/** "2026-03-05 18:07" in the time zone: what Excel and a person both read as a local time. */
export function localText(unixSeconds: number, timeZone: string): string {
  const w = wallClock(unixSeconds, timeZone);
  return `${w.year}-${two(w.month)}-${two(w.day)} ${two(w.hour)}:${two(w.minute)}`;
}

/**
 * A Date whose UTC fields are the wall-clock reading: spreadsheet dates have no time zone, and the XLSX writer
 * stores a Date's UTC fields, so the cell shows the local time.
 */
export function spreadsheetDate(unixSeconds: number, timeZone: string): Date {
  const w = wallClock(unixSeconds, timeZone);
  return new Date(Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second));
}
