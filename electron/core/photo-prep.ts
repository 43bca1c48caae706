// Preparing a face photo before it is uploaded to Feishu (issue #11): only a complete, decodable JPEG or PNG,
// within a size limit and above a minimum resolution, goes out; the EXIF orientation is applied to the pixels;
// and nothing but the picture leaves the machine: EXIF (with GPS), XMP, ICC, maker notes, comments and PNG text
// chunks are all removed. Every refusal has a reason code the CLI and the app translate.
// JPEG: an upright photo keeps its compressed data (no quality loss) with the metadata segments cut out; a rotated
// one is decoded, turned and re-encoded with jpeg-js (pure JS, quality 92), which writes no metadata at all.
// PNG: only the chunks that draw the picture are kept. An orientation inside a PNG (eXIf, rare, and ignored by
// most viewers) is not applied, only removed.
import jpeg from 'jpeg-js';
import { imageDamage } from './image-check';

/** Conservative: Feishu does not document its limit (docs/feishu-api.md §3.10). */
export const DEFAULT_MAX_UPLOAD_BYTES = 2 * 1024 * 1024;
/** Shortest side, px: smaller faces are unlikely to be recognised at the clock-in device. */
export const DEFAULT_MIN_SIDE_PX = 200;
/** Larger inputs are not even decoded. */
const MAX_INPUT_BYTES = 40 * 1024 * 1024;
const MAX_MEGAPIXELS = 50;
const JPEG_QUALITY = 92;

export type PrepRefusal =
  /** Neither JPEG nor PNG. */
  | 'photo.format'
  /** Cut short, garbled, or not decodable. */
  | 'photo.damaged'
  /** Larger than the limit (after metadata removal and rotation). */
  | 'photo.too_large'
  /** Shortest side below the minimum. */
  | 'photo.too_small';

export interface PrepOptions {
  /** Largest file that would be uploaded, bytes (default DEFAULT_MAX_UPLOAD_BYTES). */
  maxBytes?: number;
  /** Minimum width and height, px (default DEFAULT_MIN_SIDE_PX). */
  minSidePx?: number;
}

export interface PreparedPhoto {
  ok: true;
  bytes: Uint8Array;
  mime: 'image/jpeg' | 'image/png';
  /** Upright dimensions (after the orientation was applied). */
  width: number;
  height: number;
  /** The EXIF orientation that was applied (1 = none). */
  orientation: number;
  /** How many bytes of metadata were removed. */
  strippedBytes: number;
}

export interface RefusedPhoto {
  ok: false;
  reason: PrepRefusal;
  /**
   * The facts in numbers and units only ("120×90 px < 200 px", "2.4 MB > 2.0 MB"; empty when the reason says it
   * all), so the translated sentence of the reason can carry it in any language without English words inside.
   */
  detail: string;
  /** For a damaged file, what the check found, in English (logs and the CLI; never the file's content). */
  cause?: string;
}

const refuse = (reason: PrepRefusal, detail: string, cause?: string): RefusedPhoto => ({ ok: false, reason, detail, ...(cause ? { cause } : {}) });

/** A size in MB with one decimal (KB below 0.1 MB), the same in every language. */
export function sizeText(bytes: number): string {
  return bytes < 100 * 1024 ? `${Math.ceil(bytes / 1024)} KB` : `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

/** Checks and cleans one photo for upload. Never throws for bad input: it answers a refusal. */
export function preparePhoto(input: Uint8Array, o: PrepOptions = {}): PreparedPhoto | RefusedPhoto {
  const maxBytes = o.maxBytes ?? DEFAULT_MAX_UPLOAD_BYTES;
  const minSide = o.minSidePx ?? DEFAULT_MIN_SIDE_PX;
  const isJpeg = input.length >= 3 && input[0] === 0xff && input[1] === 0xd8 && input[2] === 0xff;
  const isPng = input.length >= 8 && PNG_SIGNATURE.every((v, i) => input[i] === v);
  if (!isJpeg && !isPng) return refuse('photo.format', '');
  if (input.length > MAX_INPUT_BYTES) return refuse('photo.too_large', `${sizeText(input.length)} > ${sizeText(maxBytes)}`);
  const damage = imageDamage(input);
  if (damage) return refuse('photo.damaged', '', damage);
  const out = isJpeg ? prepareJpeg(input) : preparePng(input);
  if (!out.ok) return out;
  if (Math.min(out.width, out.height) < minSide) return refuse('photo.too_small', `${out.width}×${out.height} px < ${minSide} px`);
  if (out.bytes.length > maxBytes) return refuse('photo.too_large', `${sizeText(out.bytes.length)} > ${sizeText(maxBytes)}`);
  return out;
}

// ---------------------------------------------------------------------------------------------
// JPEG

const u16be = (b: Uint8Array, i: number): number => ((b[i] as number) << 8) | (b[i + 1] as number);

/** Segments that only describe how to read the picture: JFIF (APP0) and Adobe's colour transform (APP14). */
function keepJpegSegment(b: Uint8Array, marker: number, at: number): boolean {
  if (marker === 0xe0) return latin1(b, at + 4, 5) === 'JFIF\0';
  if (marker === 0xee) return latin1(b, at + 4, 5) === 'Adobe';
  // Other APPn (EXIF, XMP, ICC, maker notes, IPTC) and COM carry metadata.
  return !(marker >= 0xe1 && marker <= 0xef) && marker !== 0xfe;
}

function latin1(b: Uint8Array, at: number, n: number): string {
  return Buffer.from(b.subarray(at, Math.min(b.length, at + n))).toString('latin1');
}

/** The end of entropy-coded data starting at `from`: the next marker that is not FF00, RSTn or fill. */
function scanEnd(b: Uint8Array, from: number): number {
  for (let i = from; i + 1 < b.length; i++) {
    if (b[i] !== 0xff) continue;
    const m = b[i + 1] as number;
    if (m === 0x00 || (m >= 0xd0 && m <= 0xd7) || m === 0xff) continue;
    return i;
  }
  return b.length;
}

/** The JPEG without metadata segments, and the EXIF orientation it carried. imageDamage has vouched for the structure. */
function stripJpeg(b: Uint8Array): { bytes: Buffer; orientation: number } {
  const kept: Uint8Array[] = [b.subarray(0, 2)];
  let orientation = 1;
  let i = 2;
  while (i + 2 <= b.length) {
    const marker = b[i + 1] as number;
    if (marker === 0xd9) {
      kept.push(b.subarray(i, i + 2));
      break;
    }
    if (marker === 0xff) {
      i++; // fill byte before a marker
      continue;
    }
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      kept.push(b.subarray(i, i + 2)); // markers without a length
      i += 2;
      continue;
    }
    const end = i + 2 + u16be(b, i + 2);
    if (marker === 0xe1 && latin1(b, i + 4, 6) === 'Exif\0\0') orientation = exifOrientation(b.subarray(i + 10, end)) ?? orientation;
    if (keepJpegSegment(b, marker, i)) kept.push(b.subarray(i, end));
    if (marker === 0xda) {
      const dataEnd = scanEnd(b, end);
      kept.push(b.subarray(end, dataEnd));
      i = dataEnd;
    } else i = end;
  }
  return { bytes: Buffer.concat(kept), orientation };
}

/** Orientation (tag 0x0112) from IFD0 of an EXIF TIFF block; undefined when absent or unreadable. */
export function exifOrientation(tiff: Uint8Array): number | undefined {
  if (tiff.length < 8) return undefined;
  const le = tiff[0] === 0x49 && tiff[1] === 0x49;
  if (!le && !(tiff[0] === 0x4d && tiff[1] === 0x4d)) return undefined;
  const view = new DataView(tiff.buffer, tiff.byteOffset, tiff.byteLength);
  const ifd = view.getUint32(4, le);
  if (ifd + 2 > tiff.length) return undefined;
  const count = view.getUint16(ifd, le);
  for (let k = 0; k < count; k++) {
    const e = ifd + 2 + k * 12;
    if (e + 12 > tiff.length) return undefined;
    if (view.getUint16(e, le) === 0x0112) {
      const v = view.getUint16(e + 8, le);
      return v >= 1 && v <= 8 ? v : undefined;
    }
  }
  return undefined;
}

/** Where the upright pixel (x, y) comes from in the stored image (EXIF orientations 1–8). */
function sourceOf(orientation: number, x: number, y: number, w: number, h: number): [number, number] {
  switch (orientation) {
    case 2: return [w - 1 - x, y];
    case 3: return [w - 1 - x, h - 1 - y];
    case 4: return [x, h - 1 - y];
    case 5: return [y, x];
    case 6: return [y, h - 1 - x];
    case 7: return [w - 1 - y, h - 1 - x];
    case 8: return [w - 1 - y, x];
    default: return [x, y];
  }
}

function upright(px: Uint8Array, w: number, h: number, orientation: number): { data: Uint8Array; width: number; height: number } {
  const swap = orientation >= 5;
  const width = swap ? h : w;
  const height = swap ? w : h;
  const data = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const [sx, sy] = sourceOf(orientation, x, y, w, h);
      const from = (sy * w + sx) * 4;
      data.set(px.subarray(from, from + 4), (y * width + x) * 4);
    }
  }
  return { data, width, height };
}

function prepareJpeg(input: Uint8Array): PreparedPhoto | RefusedPhoto {
  const { bytes: stripped, orientation } = stripJpeg(input);
  let decoded: { width: number; height: number; data: Uint8Array };
  try {
    decoded = jpeg.decode(stripped, { useTArray: true, formatAsRGBA: true, tolerantDecoding: false, maxResolutionInMP: MAX_MEGAPIXELS, maxMemoryUsageInMB: 1024 });
  } catch (e) {
    return refuse('photo.damaged', '', `JPEG could not be decoded (${e instanceof Error ? e.message : String(e)})`);
  }
  const base = { ok: true as const, mime: 'image/jpeg' as const, orientation };
  if (orientation === 1) {
    return { ...base, bytes: new Uint8Array(stripped), width: decoded.width, height: decoded.height, strippedBytes: input.length - stripped.length };
  }
  const turned = upright(decoded.data, decoded.width, decoded.height, orientation);
  const encoded = jpeg.encode({ data: turned.data, width: turned.width, height: turned.height }, JPEG_QUALITY).data;
  return { ...base, bytes: new Uint8Array(encoded), width: turned.width, height: turned.height, strippedBytes: input.length - stripped.length };
}

// ---------------------------------------------------------------------------------------------
// PNG

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
/** Chunks that draw the picture; text (tEXt, zTXt, iTXt), eXIf, tIME, iCCP and private chunks are dropped. */
const PNG_KEEP = new Set(['IHDR', 'PLTE', 'IDAT', 'IEND', 'tRNS', 'gAMA', 'cHRM', 'sRGB', 'sBIT', 'bKGD', 'pHYs']);

function preparePng(input: Uint8Array): PreparedPhoto | RefusedPhoto {
  const kept: Uint8Array[] = [input.subarray(0, 8)];
  const view = new DataView(input.buffer, input.byteOffset, input.byteLength);
  for (let i = 8; i + 12 <= input.length; ) {
    const end = i + 12 + view.getUint32(i);
    if (PNG_KEEP.has(latin1(input, i + 4, 4))) kept.push(input.subarray(i, end));
    i = end;
  }
  const bytes = new Uint8Array(Buffer.concat(kept));
  // imageDamage checked IHDR comes first: width and height are at 16 and 20.
  return { ok: true, mime: 'image/png', bytes, width: view.getUint32(16), height: view.getUint32(20), orientation: 1, strippedBytes: input.length - bytes.length };
}
