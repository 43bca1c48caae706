// --max-age: how old a remembered directory the CLI may use instead of reading the directory again.
import { appError } from '../../shared/errors';

/** A few hours: a nightly backup reads the directory afresh, a morning of checks reuses one read. */
export const DEFAULT_MAX_AGE = '6h';

const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** "90s", "30m", "6h", "2d" (or "0": always read the directory again) in ms; anything else is a usage error. */
export function parseMaxAge(text: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([smhd]?)\s*$/i.exec(text);
  const value = m ? Number(m[1]) : Number.NaN;
  const unit = m?.[2]?.toLowerCase() ?? '';
  if (!m || !Number.isFinite(value) || (unit === '' && value !== 0)) {
    throw appError('input.invalid', `Invalid --max-age "${text}"`, { detail: 'use a duration like 30m, 6h or 2d, or 0 to always read the directory again' });
  }
  return unit ? Math.round(value * UNIT_MS[unit]!) : 0;
}
