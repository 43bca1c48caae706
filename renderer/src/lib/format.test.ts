import { describe, expect, it } from 'vitest';
import { formatBytes, formatClockTime, formatCount, formatDuration, formatUpdateTime } from './format';

describe('formatting', () => {
  it('shows the export ETA as m:ss or h:mm:ss', () => {
    expect(formatDuration(0)).toBe('0:00');
    expect(formatDuration(65)).toBe('1:05');
    expect(formatDuration(3 * 3600 + 2 * 60 + 9)).toBe('3:02:09');
  });

  it('shows cache sizes in readable units', () => {
    expect(formatBytes(512, 'en-US')).toBe('512 B');
    expect(formatBytes(1536, 'en-US')).toBe('1.5 KB');
    expect(formatBytes(500 * 1024 * 1024, 'en-US')).toBe('500 MB');
  });

  it('leaves the update time empty when not enrolled', () => {
    expect(formatUpdateTime(null, 'zh-CN')).toBe('');
    expect(formatUpdateTime(1_700_000_000, 'en-US')).toMatch(/2023/);
  });

  it('groups the digits of a count the same way in both UI languages', () => {
    expect(formatCount(19794, 'zh-CN')).toBe('19,794');
    expect(formatCount(19794, 'en-US')).toBe('19,794');
    expect(formatCount(238, 'zh-CN')).toBe('238');
    expect(formatCount(0, 'en-US')).toBe('0');
  });

  it('shows a time of day as 24-hour hours and minutes in both UI languages', () => {
    const afternoon = new Date(2025, 6, 1, 15, 7).getTime();
    expect(formatClockTime(afternoon, 'zh-CN')).toBe('15:07');
    expect(formatClockTime(afternoon, 'en-US')).toBe('15:07');
    expect(formatClockTime(new Date(2025, 6, 1, 9, 5).getTime(), 'en-US')).toBe('09:05');
  });
});
