import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { atRestKey, ENVELOPE_OVERHEAD, open, openEnvelope, randomKeySecret, seal } from './envelope';

const JPEG = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), randomBytes(4000), Buffer.from([0xff, 0xd9])]);
const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), randomBytes(3000)]);

describe('at-rest envelope', () => {
  const key = atRestKey(randomKeySecret());

  it('gives the bytes back with its key, and the sealed bytes neither start like an image nor hold the photo', () => {
    for (const photo of [JPEG, PNG]) {
      const sealed = seal(key, photo, 'a.enc');
      expect(sealed.length).toBe(photo.length + ENVELOPE_OVERHEAD);
      expect(sealed.subarray(0, 4).toString('ascii')).toBe('FPAE');
      expect(sealed.includes(photo.subarray(0, 16))).toBe(false);
      expect(sealed.includes(photo.subarray(1000, 1032))).toBe(false);
      expect(open(key, sealed, 'a.enc')?.equals(photo)).toBe(true);
    }
  });

  it('uses a fresh IV each time: the same photo never seals to the same bytes', () => {
    expect(seal(key, JPEG).equals(seal(key, JPEG))).toBe(false);
  });

  it('refuses another key, by its key id, before decrypting', () => {
    const other = atRestKey(randomKeySecret());
    expect(openEnvelope(other, seal(key, JPEG))).toEqual({ ok: false, why: 'key' });
  });

  it('refuses a plain photo and an unknown format version', () => {
    expect(openEnvelope(key, JPEG)).toEqual({ ok: false, why: 'format' });
    const future = seal(key, JPEG);
    future[4] = 2;
    expect(openEnvelope(key, future)).toEqual({ ok: false, why: 'format' });
    expect(openEnvelope(key, Buffer.alloc(10))).toEqual({ ok: false, why: 'format' });
  });

  it('refuses any changed byte (IV, ciphertext, tag), a cut-short file and another file name', () => {
    const sealed = seal(key, JPEG, 'x.enc');
    for (const at of [13, 30, sealed.length >> 1, sealed.length - 1]) {
      const bad = Buffer.from(sealed);
      bad[at] = bad[at]! ^ 0x01;
      expect(openEnvelope(key, bad, 'x.enc')).toEqual({ ok: false, why: 'tampered' });
    }
    expect(open(key, sealed.subarray(0, sealed.length - 1), 'x.enc')).toBeNull();
    expect(open(key, sealed, 'y.enc')).toBeNull();
  });

  it('accepts only 32-byte keys', () => {
    expect(() => atRestKey(Buffer.alloc(16))).toThrow(RangeError);
  });
});
