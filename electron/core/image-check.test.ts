import { describe, expect, it } from 'vitest';
import { PhotoStore } from '../simulator/photos';
import { imageDamage } from './image-check';

// The simulator's photos: JPEGs from jpeg-js, PNGs with IHDR, tEXt, IDAT and IEND.
const photos = new PhotoStore();
const jpeg = photos.bytes('face_jpeg_1', 'image/jpeg');
const png = photos.bytes('face_png_1', 'image/png');
const cut = (b: Buffer, end: number) => Buffer.from(b.subarray(0, end));

describe('image check', () => {
  it('passes whole JPEG and PNG photos, also with zero padding after the end', () => {
    for (const k of ['a', 'b', 'c', 'd', 'e', 'f']) {
      expect(imageDamage(photos.bytes(`face_${k}`, 'image/jpeg'))).toBeNull();
      expect(imageDamage(photos.bytes(`face_${k}`, 'image/png'))).toBeNull();
    }
    expect(imageDamage(Buffer.concat([jpeg, Buffer.alloc(512)]))).toBeNull();
    expect(imageDamage(Buffer.concat([png, Buffer.alloc(512)]))).toBeNull();
  });

  it('rejects a JPEG cut short, without its end-of-image marker, or with data after it', () => {
    expect(imageDamage(cut(jpeg, jpeg.length - 2))).toMatch(/JPEG: truncated/);
    expect(imageDamage(cut(jpeg, Math.floor(jpeg.length * 0.6)))).toMatch(/JPEG: truncated/);
    expect(imageDamage(cut(jpeg, 200))).toMatch(/JPEG/);
    expect(imageDamage(Buffer.concat([cut(jpeg, jpeg.length - 2), Buffer.alloc(64)]))).toMatch(/JPEG/); // zero-filled, never finished
    expect(imageDamage(Buffer.concat([jpeg, Buffer.from('trailing')]))).toMatch(/after the end/);
    expect(imageDamage(Buffer.from([0xff, 0xd8, 0xff, 0xd9]))).toMatch(/before any image data/);
  });

  it('rejects a PNG without IEND, cut short, with a bad CRC, or whose data does not inflate', () => {
    expect(imageDamage(cut(png, png.length - 12))).toMatch(/no IEND/);
    expect(imageDamage(cut(png, Math.floor(png.length * 0.6)))).toMatch(/PNG: truncated/);
    const flipped = Buffer.from(png);
    flipped[flipped.length >> 1]! ^= 0x01;
    expect(imageDamage(flipped)).toMatch(/IDAT chunk fails its CRC/);
    expect(imageDamage(Buffer.concat([png, Buffer.from('x')]))).toMatch(/after the end/);
  });

  it('rejects a PNG whose chunks are sound but whose image data is not (an encoder bug, not transit damage)', async () => {
    const { crc32 } = await import('node:zlib');
    const at = png.indexOf('IDAT') - 4;
    const len = png.readUInt32BE(at);
    const bad = Buffer.from(png);
    bad.fill(0x00, at + 8 + 2, at + 8 + len); // keep the zlib header, wipe the stream
    bad.writeUInt32BE(crc32(bad.subarray(at + 4, at + 8 + len)), at + 8 + len);
    expect(imageDamage(bad)).toMatch(/does not decompress|wrong size/);
  });

  it('leaves other bytes to the caller (not an image at all is another error)', () => {
    expect(imageDamage(new TextEncoder().encode('{"code":0}'))).toBeNull();
    expect(imageDamage(new TextEncoder().encode('GIF89a....'))).toBeNull();
  });
});
