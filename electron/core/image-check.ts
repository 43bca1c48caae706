// Is a downloaded face photo a complete image? A download can carry a valid signature and an honest
// content-length and still be cut short or garbled; such bytes must never be saved or cached as good.
// JPEG: the marker structure is walked from SOI to EOI (segment lengths, entropy-coded data up to the next
// marker). PNG: every chunk's length and CRC, IHDR first, consecutive IDATs, IEND last, and the image data
// inflates (zlib checks its own Adler-32) to exactly the size IHDR promises with a valid filter byte per row.
// Cost per simulator photo (CPU): JPEG walk ~0.02 ms, PNG ~1 ms (0.7 ms of it the inflate). A full JPEG pixel decode
// with jpeg-js costs ~27 ms (more than a core at 46 photos/s) and only adds errors inside the entropy-coded data,
// which a JPEG cannot tell from a valid picture anyway (it has no checksum), so it is not done.
// After EOI / IEND only zero bytes may follow: nothing else belongs there, and zero padding (files padded to a
// block size by some writers) is harmless, while non-zero bytes after the end mean a garbled or spliced body.
// Other image types (GIF, WebP, BMP) pass unchecked: Feishu serves JPEG and PNG.
import { crc32, inflateSync } from 'node:zlib';

/** Why the bytes are not a complete image, or null when they are (or are not a JPEG or PNG at all). */
export function imageDamage(b: Uint8Array): string | null {
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return jpegDamage(b);
  if (b.length >= 8 && PNG_SIGNATURE.every((v, i) => b[i] === v)) return pngDamage(b);
  return null;
}

function onlyZerosFrom(b: Uint8Array, at: number): boolean {
  for (let i = at; i < b.length; i++) if (b[i] !== 0) return false;
  return true;
}

const u16 = (b: Uint8Array, i: number): number => ((b[i] as number) << 8) | (b[i + 1] as number);
const u32 = (b: Uint8Array, i: number): number => (((b[i] as number) << 24) | ((b[i + 1] as number) << 16) | ((b[i + 2] as number) << 8) | (b[i + 3] as number)) >>> 0;

// ---------------------------------------------------------------------------------------------
// JPEG (ITU T.81 annex B)

const SOF_MARKERS = new Set([0xc0, 0xc1, 0xc2, 0xc3, 0xc5, 0xc6, 0xc7, 0xc9, 0xca, 0xcb, 0xcd, 0xce, 0xcf]);
const isRst = (m: number): boolean => m >= 0xd0 && m <= 0xd7;

/** The index of the next marker after entropy-coded data starting at `from` (FF 00 and RSTn belong to the data). */
function endOfScan(b: Uint8Array, from: number): number {
  let i = from;
  for (;;) {
    i = b.indexOf(0xff, i);
    if (i < 0 || i + 1 >= b.length) return -1;
    const next = b[i + 1] as number;
    if (next === 0x00 || isRst(next) || next === 0xff) i++;
    else return i;
  }
}

function jpegDamage(b: Uint8Array): string | null {
  let i = 2;
  let frame = false;
  let scans = 0;
  while (i < b.length) {
    if (b[i] !== 0xff) return `JPEG: no marker at byte ${i}`;
    while (b[i] === 0xff) i++; // fill bytes
    if (i >= b.length) break;
    const m = b[i] as number;
    i++;
    if (m === 0xd9) {
      if (!frame || scans === 0) return 'JPEG: ends before any image data';
      return onlyZerosFrom(b, i) ? null : 'JPEG: data after the end of the image';
    }
    if (isRst(m) || m === 0x01) continue; // markers without a length
    if (m === 0x00 || m === 0xd8) return `JPEG: unexpected marker at byte ${i - 1}`;
    if (i + 2 > b.length) break;
    const len = u16(b, i);
    if (len < 2 || i + len > b.length) return i + len > b.length ? 'JPEG: truncated (a segment runs past the end)' : 'JPEG: bad segment length';
    if (SOF_MARKERS.has(m)) frame = true;
    i += len;
    if (m === 0xda) {
      if (!frame) return 'JPEG: image data before the frame header';
      scans++;
      const next = endOfScan(b, i);
      if (next < 0) break;
      i = next;
    }
  }
  return 'JPEG: truncated (no end-of-image marker)';
}

// ---------------------------------------------------------------------------------------------
// PNG (ISO/IEC 15948)

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
/** Channels per pixel by colour type, and the bit depths each allows. */
const COLOUR_TYPES = new Map<number, { channels: number; depths: number[] }>([
  [0, { channels: 1, depths: [1, 2, 4, 8, 16] }],
  [2, { channels: 3, depths: [8, 16] }],
  [3, { channels: 1, depths: [1, 2, 4, 8] }],
  [4, { channels: 2, depths: [8, 16] }],
  [6, { channels: 4, depths: [8, 16] }],
]);
/** Adam7 passes: x start, y start, x step, y step. */
const ADAM7 = [
  [0, 0, 8, 8], [4, 0, 8, 8], [0, 4, 4, 8], [2, 0, 4, 4], [0, 2, 2, 4], [1, 0, 2, 2], [0, 1, 1, 2],
] as const;

interface Header {
  width: number;
  height: number;
  bitsPerPixel: number;
  interlaced: boolean;
  palette: boolean;
}

function readHeader(d: Uint8Array): Header | string {
  if (d.length !== 13) return 'PNG: IHDR has the wrong size';
  const width = u32(d, 0);
  const height = u32(d, 4);
  const depth = d[8] as number;
  const type = COLOUR_TYPES.get(d[9] as number);
  if (width === 0 || height === 0 || width > 0x7fffffff || height > 0x7fffffff) return 'PNG: bad dimensions';
  if (!type || !type.depths.includes(depth)) return 'PNG: bad colour type or bit depth';
  if (d[10] !== 0 || d[11] !== 0 || (d[12] !== 0 && d[12] !== 1)) return 'PNG: unknown compression, filter or interlace method';
  return { width, height, bitsPerPixel: type.channels * depth, interlaced: d[12] === 1, palette: d[9] === 3 };
}

/** Rows of the filtered image data: [bytes per row (filter byte included), count] for each (sub-)image. */
function rowsOf(h: Header): [number, number][] {
  const rowBytes = (w: number) => 1 + Math.ceil((w * h.bitsPerPixel) / 8);
  if (!h.interlaced) return [[rowBytes(h.width), h.height]];
  const out: [number, number][] = [];
  for (const [x0, y0, dx, dy] of ADAM7) {
    const w = Math.ceil((h.width - x0) / dx);
    const rows = Math.ceil((h.height - y0) / dy);
    if (w > 0 && rows > 0) out.push([rowBytes(w), rows]);
  }
  return out;
}

/** Inflates the image data (zlib verifies its checksum) and checks its size and every row's filter type. */
function dataDamage(h: Header, idat: Uint8Array[]): string | null {
  const rows = rowsOf(h);
  const expected = rows.reduce((n, [bytes, count]) => n + bytes * count, 0);
  // A photo is a few megabytes raw at most; a header promising more is not one of ours.
  if (expected > 256 * 1024 * 1024) return 'PNG: image too large to check';
  let raw: Buffer;
  try {
    raw = inflateSync(Buffer.concat(idat), { maxOutputLength: expected + 1 });
  } catch {
    return 'PNG: image data does not decompress';
  }
  if (raw.length !== expected) return 'PNG: image data has the wrong size';
  let at = 0;
  for (const [bytes, count] of rows) {
    for (let r = 0; r < count; r++, at += bytes) if ((raw[at] as number) > 4) return 'PNG: bad filter type';
  }
  return null;
}

function pngDamage(b: Uint8Array): string | null {
  let i = 8;
  let header: Header | null = null;
  let sawPalette = false;
  const idat: Uint8Array[] = [];
  let idatDone = false;
  while (i + 12 <= b.length) {
    const len = u32(b, i);
    if (len > 0x7fffffff || i + 12 + len > b.length) return 'PNG: truncated (a chunk runs past the end)';
    const typeBytes = b.subarray(i + 4, i + 8);
    const type = String.fromCharCode(...typeBytes);
    if (!/^[A-Za-z]{4}$/.test(type)) return `PNG: bad chunk type at byte ${i + 4}`;
    const data = b.subarray(i + 8, i + 8 + len);
    if (crc32(b.subarray(i + 4, i + 8 + len)) !== u32(b, i + 8 + len)) return `PNG: ${type} chunk fails its CRC`;
    i += 12 + len;
    if (!header) {
      if (type !== 'IHDR') return 'PNG: IHDR is not the first chunk';
      const h = readHeader(data);
      if (typeof h === 'string') return h;
      header = h;
      continue;
    }
    if (type === 'IHDR') return 'PNG: a second IHDR';
    if (type === 'PLTE') sawPalette = true;
    if (type === 'IDAT') {
      if (idatDone) return 'PNG: IDAT chunks are not consecutive';
      idat.push(data);
      continue;
    }
    if (idat.length > 0) idatDone = true;
    if (type === 'IEND') {
      if (len !== 0) return 'PNG: IEND is not empty';
      if (idat.length === 0) return 'PNG: no image data';
      if (header.palette && !sawPalette) return 'PNG: palette image without a palette';
      if (!onlyZerosFrom(b, i)) return 'PNG: data after the end of the image';
      return dataDamage(header, idat);
    }
  }
  return i === b.length || onlyZerosFrom(b, i) ? 'PNG: truncated (no IEND chunk)' : 'PNG: truncated (a chunk runs past the end)';
}
