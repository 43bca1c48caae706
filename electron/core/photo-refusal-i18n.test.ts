// A photo the checks refuse is explained in the admin's language: the Chinese text held an English reason
// ("照片分辨率过低 (160×120 px, the shortest side must be at least 200 px)"); the reason now carries only numbers
// and units, and the words are the translation's.
import jpeg from 'jpeg-js';
import { describe, expect, it } from 'vitest';
import { preparePhoto, type RefusedPhoto } from './photo-prep';
import { enUS } from '../../renderer/src/i18n/en-US';
import { zhCN } from '../../renderer/src/i18n/zh-CN';

function jpegOf(w: number, h: number): Buffer {
  return Buffer.from(jpeg.encode({ data: new Uint8Array(w * h * 4).fill(128), width: w, height: h }, 80).data);
}

function refusals(): RefusedPhoto[] {
  const big = jpegOf(320, 240);
  const all = [preparePhoto(Buffer.from('GIF89a\x01\x00\x01\x00', 'latin1')), preparePhoto(big.subarray(0, big.length >> 1)), preparePhoto(jpegOf(160, 120)), preparePhoto(big, { maxBytes: 500 })];
  return all.filter((r): r is RefusedPhoto => !r.ok);
}

/** The UI's text for a refusal, filled in as renderer/src/i18n errorMessage does (detail in parentheses). */
function say(strings: typeof zhCN, r: Pick<RefusedPhoto, 'reason' | 'detail'>): string {
  const key = r.reason.split('.')[1] as keyof typeof zhCN.errors.photo;
  return strings.errors.photo[key].replace('{{detail}}', r.detail ? ` (${r.detail})` : '');
}

describe('photo check refusals', () => {
  it('say their reason without English words in Chinese, and with the sizes in both languages', () => {
    const found = refusals();
    expect(found.map((r) => r.reason)).toEqual(['photo.format', 'photo.damaged', 'photo.too_small', 'photo.too_large']);
    for (const r of found) {
      const text = say(zhCN, r);
      expect(text.replace(/JPEG|PNG|px|KB|MB/g, ''), text).not.toMatch(/[A-Za-z]{2,}/);
    }
    expect(say(zhCN, found[2]!)).toContain('160×120 px < 200 px');
    expect(say(enUS, found[3]!)).toMatch(/too large.*KB > 1 KB/);
  });
});
