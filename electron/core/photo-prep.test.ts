import jpeg from 'jpeg-js';
import { crc32, deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { exifOrientation, preparePhoto, type PreparedPhoto } from './photo-prep';

/** A w×h JPEG whose top-left quadrant is white and the rest black. */
function plainJpeg(w: number, h: number): Buffer {
  const data = Buffer.alloc(w * h * 4);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const v = x < w / 2 && y < h / 2 ? 255 : 0;
      data.set([v, v, v, 255], (y * w + x) * 4);
    }
  }
  return jpeg.encode({ data, width: w, height: h }, 90).data;
}

const segment = (marker: number, payload: Buffer): Buffer => {
  const head = Buffer.from([0xff, marker, 0, 0]);
  head.writeUInt16BE(payload.length + 2, 2);
  return Buffer.concat([head, payload]);
};

/** EXIF (little-endian TIFF): IFD0 with Orientation and a GPS IFD whose GPSMapDatum is a recognisable string. */
function exifSegment(orientation: number): Buffer {
  const t = Buffer.alloc(68);
  t.write('II', 0, 'latin1');
  t.writeUInt16LE(42, 2);
  t.writeUInt32LE(8, 4);
  t.writeUInt16LE(2, 8);
  t.writeUInt16LE(0x0112, 10); // Orientation, SHORT, 1
  t.writeUInt16LE(3, 12);
  t.writeUInt32LE(1, 14);
  t.writeUInt16LE(orientation, 18);
  t.writeUInt16LE(0x8825, 22); // GPSInfo IFD pointer, LONG, 1
  t.writeUInt16LE(4, 24);
  t.writeUInt32LE(1, 26);
  t.writeUInt32LE(38, 30);
  t.writeUInt32LE(0, 34); // no next IFD
  t.writeUInt16LE(1, 38);
  t.writeUInt16LE(0x0012, 40); // GPSMapDatum, ASCII, 12
  t.writeUInt16LE(2, 42);
  t.writeUInt32LE(12, 44);
  t.writeUInt32LE(56, 48);
  t.writeUInt32LE(0, 52);
  t.write('WGS-84-HOME\0', 56, 'latin1');
  return segment(0xe1, Buffer.concat([Buffer.from('Exif\0\0', 'latin1'), t]));
}

/** A phone-like photo: EXIF with GPS, XMP and a comment inserted after the JFIF segment. */
function phonePhoto(w: number, h: number, orientation: number): { original: Buffer; withMeta: Buffer } {
  const original = plainJpeg(w, h);
  const at = 4 + original.readUInt16BE(4);
  const xmp = segment(0xe1, Buffer.from('http://ns.adobe.com/xap/1.0/\0<x:xmpmeta>secret-place</x:xmpmeta>', 'latin1'));
  const com = segment(0xfe, Buffer.from('taken at home', 'latin1'));
  return { original, withMeta: Buffer.concat([original.subarray(0, at), exifSegment(orientation), xmp, com, original.subarray(at)]) };
}

const METADATA = ['Exif', 'WGS-84-HOME', 'secret-place', 'taken at home', 'http://ns.adobe.com'];
const leaks = (b: Uint8Array): string[] => METADATA.filter((s) => Buffer.from(b).includes(s, 0, 'latin1'));

function prepared(r: ReturnType<typeof preparePhoto>): PreparedPhoto {
  if (!r.ok) throw new Error(`refused: ${r.reason} ${r.detail}`);
  return r;
}

const brightAt = (img: { width: number; data: Uint8Array }, x: number, y: number): boolean => (img.data[(y * img.width + x) * 4] as number) > 128;

describe('preparePhoto: JPEG', () => {
  it('removes EXIF with GPS, XMP and comments from an upright photo, keeping its picture data byte for byte', () => {
    const { original, withMeta } = phonePhoto(320, 240, 1);
    expect(leaks(withMeta)).toEqual(METADATA);
    const r = prepared(preparePhoto(withMeta));
    expect(leaks(r.bytes)).toEqual([]);
    expect(Buffer.from(r.bytes).equals(original)).toBe(true);
    expect(r).toMatchObject({ mime: 'image/jpeg', width: 320, height: 240, orientation: 1 });
    expect(r.strippedBytes).toBe(withMeta.length - original.length);
  });

  it('applies EXIF orientation 6 (rotate 90° clockwise): the stored top-left ends top-right, no metadata left', () => {
    const { withMeta } = phonePhoto(320, 240, 6);
    const r = prepared(preparePhoto(withMeta));
    expect([r.width, r.height, r.orientation]).toEqual([240, 320, 6]);
    expect(leaks(r.bytes)).toEqual([]);
    const img = jpeg.decode(r.bytes, { useTArray: true, formatAsRGBA: true });
    expect([img.width, img.height]).toEqual([240, 320]);
    expect(brightAt(img, 230, 10)).toBe(true);
    expect(brightAt(img, 10, 10)).toBe(false);
    expect(brightAt(img, 230, 300)).toBe(false);
  });

  it('applies orientation 3 (180°) and 8 (90° counter-clockwise)', () => {
    const r3 = prepared(preparePhoto(phonePhoto(320, 240, 3).withMeta));
    const i3 = jpeg.decode(r3.bytes, { useTArray: true, formatAsRGBA: true });
    expect([i3.width, brightAt(i3, 310, 230), brightAt(i3, 10, 10)]).toEqual([320, true, false]);
    const r8 = prepared(preparePhoto(phonePhoto(320, 240, 8).withMeta));
    const i8 = jpeg.decode(r8.bytes, { useTArray: true, formatAsRGBA: true });
    expect([i8.width, i8.height, brightAt(i8, 10, 310), brightAt(i8, 10, 10)]).toEqual([240, 320, true, false]);
  });

  it('refuses a truncated photo, one too small, one too large, and a file that is no JPEG or PNG, each with its reason', () => {
    const { withMeta } = phonePhoto(320, 240, 1);
    expect(preparePhoto(withMeta.subarray(0, Math.floor(withMeta.length * 0.6)))).toMatchObject({ ok: false, reason: 'photo.damaged' });
    expect(preparePhoto(plainJpeg(160, 120))).toMatchObject({ ok: false, reason: 'photo.too_small' });
    expect(preparePhoto(plainJpeg(160, 120), { minSidePx: 100 }).ok).toBe(true);
    expect(preparePhoto(withMeta, { maxBytes: 500 })).toMatchObject({ ok: false, reason: 'photo.too_large' });
    expect(preparePhoto(Buffer.from('GIF89a\x01\x00\x01\x00', 'latin1'))).toMatchObject({ ok: false, reason: 'photo.format' });
    expect(preparePhoto(new Uint8Array(0))).toMatchObject({ ok: false, reason: 'photo.format' });
  });

  it('reads the orientation of big- and little-endian EXIF and ignores a malformed one', () => {
    const le = exifSegment(6).subarray(10);
    expect(exifOrientation(le)).toBe(6);
    const be = Buffer.from([0x4d, 0x4d, 0, 42, 0, 0, 0, 8, 0, 1, 0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, 8, 0, 0, 0, 0, 0, 0, 0, 0]);
    expect(exifOrientation(be)).toBe(8);
    expect(exifOrientation(Buffer.from('II*\0\xff\xff\xff\xff', 'latin1'))).toBeUndefined();
  });
});

function pngChunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

/** A w×h 8-bit grey PNG with a tEXt chunk holding a location. */
function pngWithText(w: number, h: number): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr.set([8, 0, 0, 0, 0], 8);
  const rows = Buffer.alloc((w + 1) * h, 0x80);
  for (let y = 0; y < h; y++) rows[y * (w + 1)] = 0;
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', ihdr),
    pngChunk('tEXt', Buffer.from('Location\0secret-place', 'latin1')),
    pngChunk('IDAT', deflateSync(rows)),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

describe('preparePhoto: PNG', () => {
  it('passes a complete PNG, without its text chunks', () => {
    const input = pngWithText(256, 300);
    const r = prepared(preparePhoto(input));
    expect(r).toMatchObject({ mime: 'image/png', width: 256, height: 300, orientation: 1 });
    expect(leaks(r.bytes)).toEqual([]);
    expect(Buffer.from(r.bytes).includes('tEXt')).toBe(false);
    expect(Buffer.from(r.bytes).includes('IDAT')).toBe(true);
  });

  it('refuses a truncated PNG and one too small', () => {
    const input = pngWithText(256, 300);
    expect(preparePhoto(input.subarray(0, input.length - 20))).toMatchObject({ ok: false, reason: 'photo.damaged' });
    expect(preparePhoto(pngWithText(150, 300))).toMatchObject({ ok: false, reason: 'photo.too_small' });
  });
});
