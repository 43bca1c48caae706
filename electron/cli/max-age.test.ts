import { describe, expect, it } from 'vitest';
import { isAppFailure } from '../../shared/errors';
import { parseMaxAge } from './max-age';

describe('--max-age', () => {
  it('reads seconds, minutes, hours and days, and 0', () => {
    expect(parseMaxAge('90s')).toBe(90_000);
    expect(parseMaxAge('30m')).toBe(1_800_000);
    expect(parseMaxAge('6h')).toBe(21_600_000);
    expect(parseMaxAge('1.5H')).toBe(5_400_000);
    expect(parseMaxAge('2d')).toBe(172_800_000);
    expect(parseMaxAge('0')).toBe(0);
  });

  it('refuses a number without a unit, a negative or a word', () => {
    for (const bad of ['6', '-1h', 'soon', '', '6 hours', '1w']) {
      const err = (() => {
        try {
          parseMaxAge(bad);
        } catch (e) {
          return e;
        }
      })();
      expect(isAppFailure(err) && err.info.code, bad).toBe('input.invalid');
    }
  });
});
