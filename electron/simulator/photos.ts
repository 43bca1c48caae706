// Face photos for the fake tenant. A handful of stylised portraits are encoded once (lazily); each
// face_key then gets unique bytes by carrying its key in a JPEG comment or a PNG tEXt chunk, so a
// 20,000-employee tenant starts instantly and a download costs a few slices, not an encode.
import { deflateSync } from 'node:zlib';
import jpeg from 'jpeg-js';
import { createRng, hashString } from './rng';

const WIDTH = 360;
const HEIGHT = 480;
const JPEG_VARIANTS = 6;
const PNG_VARIANTS = 3;

type Rgb = [number, number, number];

const BACKGROUNDS: Rgb[] = [
  [70, 130, 180], [236, 236, 236], [200, 60, 60], [96, 160, 120], [230, 200, 120],
  [150, 120, 200], [60, 90, 140], [250, 245, 235], [120, 180, 200], [180, 180, 190],
];
const SKIN: Rgb[] = [[241, 204, 170], [224, 172, 135], [198, 140, 100], [250, 218, 190], [170, 115, 80]];
const HAIR: Rgb[] = [[30, 25, 25], [60, 40, 30], [90, 60, 40], [20, 20, 30], [120, 110, 100]];
const SHIRT: Rgb[] = [[40, 50, 70], [240, 240, 240], [30, 80, 140], [110, 30, 40], [60, 60, 60], [20, 110, 90]];

function inEllipse(x: number, y: number, cx: number, cy: number, rx: number, ry: number): boolean {
  const dx = (x - cx) / rx;
  const dy = (y - cy) / ry;
  return dx * dx + dy * dy <= 1;
}

/** Draws one ID-photo-like portrait as RGBA; `grain` adds sensor-like noise so file sizes look real. */
function drawPortrait(variant: number, grain: number, density = 1): Uint8Array {
  const rng = createRng(0x5eed + variant * 7919);
  const bg = BACKGROUNDS[variant % BACKGROUNDS.length] as Rgb;
  const skin = SKIN[variant % SKIN.length] as Rgb;
  const hair = HAIR[(variant * 3) % HAIR.length] as Rgb;
  const shirt = SHIRT[(variant * 5) % SHIRT.length] as Rgb;
  const longHair = variant % 3 === 1;
  const cx = WIDTH / 2;
  const headCy = 200;
  const data = new Uint8Array(WIDTH * HEIGHT * 4);
  for (let y = 0; y < HEIGHT; y++) {
    for (let x = 0; x < WIDTH; x++) {
      // Soft vertical gradient behind the sitter.
      const shade = 1 - (y / HEIGHT) * 0.18;
      let c: Rgb = [bg[0] * shade, bg[1] * shade, bg[2] * shade];
      if (longHair && inEllipse(x, y, cx, 250, 112, 170)) c = hair;
      if (inEllipse(x, y, cx, 520, 180, 150)) c = shirt; // shoulders
      if (x > cx - 32 && x < cx + 32 && y > 270 && y < 380) c = [skin[0] * 0.9, skin[1] * 0.9, skin[2] * 0.9]; // neck
      if (inEllipse(x, y, cx, 392, 40, 22) && y > 380) c = [skin[0] * 0.9, skin[1] * 0.9, skin[2] * 0.9];
      if (inEllipse(x, y, cx - 90, headCy + 10, 14, 26) || inEllipse(x, y, cx + 90, headCy + 10, 14, 26)) c = skin; // ears
      if (inEllipse(x, y, cx, headCy, 88, 112)) {
        c = skin;
        if (inEllipse(x, y, cx - 34, headCy - 8, 12, 7) || inEllipse(x, y, cx + 34, headCy - 8, 12, 7)) c = [40, 30, 30];
        if (y > headCy - 30 && y < headCy - 24 && Math.abs(Math.abs(x - cx) - 34) < 16) c = hair; // brows
        if (inEllipse(x, y, cx, headCy + 22, 9, 14)) c = [skin[0] * 0.85, skin[1] * 0.85, skin[2] * 0.85]; // nose
        if (inEllipse(x, y, cx, headCy + 58, 26, 9) && y > headCy + 56) c = [170, 70, 70]; // mouth
      }
      if (inEllipse(x, y, cx, headCy - 62, 96, 64) && y < headCy - 40 + Math.abs(x - cx) * 0.2) c = hair; // fringe
      const n = grain > 0 && (density >= 1 || rng.next() < density) ? (rng.next() - 0.5) * grain : 0;
      const o = (y * WIDTH + x) * 4;
      data[o] = clamp(c[0] + n);
      data[o + 1] = clamp(c[1] + n);
      data[o + 2] = clamp(c[2] + n);
      data[o + 3] = 255;
    }
  }
  return data;
}

function clamp(v: number): number {
  return v < 0 ? 0 : v > 255 ? 255 : Math.round(v);
}

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = (CRC_TABLE[(c ^ (bytes[i] as number)) & 0xff] as number) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function pngChunk(type: string, data: Uint8Array): Buffer {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'latin1');
  out.set(data, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function encodePng(rgba: Uint8Array): Buffer {
  // RGB, one filter byte per row; "Sub" filtering keeps the grain from bloating the file too much.
  const stride = WIDTH * 3 + 1;
  const raw = Buffer.alloc(stride * HEIGHT);
  for (let y = 0; y < HEIGHT; y++) {
    raw[y * stride] = 1;
    for (let x = 0; x < WIDTH; x++) {
      for (let ch = 0; ch < 3; ch++) {
        const cur = rgba[(y * WIDTH + x) * 4 + ch] as number;
        const left = x > 0 ? (rgba[(y * WIDTH + x - 1) * 4 + ch] as number) : 0;
        raw[y * stride + 1 + x * 3 + ch] = (cur - left) & 0xff;
      }
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(WIDTH, 0);
  ihdr.writeUInt32BE(HEIGHT, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // colour type RGB
  return Buffer.concat([
    PNG_SIGNATURE,
    pngChunk('IHDR', ihdr),
    pngChunk('IDAT', deflateSync(raw, { level: 6 })),
    pngChunk('IEND', new Uint8Array(0)),
  ]);
}

function encodeJpeg(rgba: Uint8Array): Buffer {
  return Buffer.from(jpeg.encode({ data: rgba, width: WIDTH, height: HEIGHT }, 88).data);
}

// Base portraits do not depend on the tenant, so every simulator in the process shares them.
const jpegBases: (Buffer | undefined)[] = new Array<Buffer | undefined>(JPEG_VARIANTS).fill(undefined);
const pngBases: (Buffer | undefined)[] = new Array<Buffer | undefined>(PNG_VARIANTS).fill(undefined);

/** Bounded LRU of per-face_key bytes over the lazily encoded base portraits. */
export class PhotoStore {
  private readonly cache = new Map<string, Buffer>();

  constructor(private readonly maxCached = 256) {}

  private base(mime: 'image/jpeg' | 'image/png', faceKey: string): Buffer {
    const h = hashString(faceKey);
    if (mime === 'image/png') {
      const i = h % PNG_VARIANTS;
      let b = pngBases[i];
      if (!b) {
        b = encodePng(drawPortrait(i * 2 + 1, 3, 0.12));
        pngBases[i] = b;
      }
      return b;
    }
    const i = h % JPEG_VARIANTS;
    let b = jpegBases[i];
    if (!b) {
      b = encodeJpeg(drawPortrait(i, 14));
      jpegBases[i] = b;
    }
    return b;
  }

  /**
   * The photo file for a face_key as pieces to send in order, without copying the portrait:
   * same bytes every time, different bytes for every key.
   */
  parts(faceKey: string, mime: 'image/jpeg' | 'image/png'): Buffer[] {
    const base = this.base(mime, faceKey);
    const tag = Buffer.from(`face_key=${faceKey}`, 'latin1');
    if (mime === 'image/png') {
      // After signature (8) + IHDR chunk (25).
      const text = pngChunk('tEXt', Buffer.concat([Buffer.from('Comment\0', 'latin1'), tag]));
      return [base.subarray(0, 33), text, base.subarray(33)];
    }
    // After SOI and the APP0/JFIF segment, so JFIF readers still find APP0 first.
    let at = 2;
    if (base[2] === 0xff && base[3] === 0xe0) at = 4 + base.readUInt16BE(4);
    const com = Buffer.alloc(4 + tag.length);
    com[0] = 0xff;
    com[1] = 0xfe;
    com.writeUInt16BE(2 + tag.length, 2);
    tag.copy(com, 4);
    return [base.subarray(0, at), com, base.subarray(at)];
  }

  /** The whole photo file in one buffer (recently used ones are kept, up to maxCached). */
  bytes(faceKey: string, mime: 'image/jpeg' | 'image/png'): Buffer {
    const hit = this.cache.get(faceKey);
    if (hit) {
      this.cache.delete(faceKey);
      this.cache.set(faceKey, hit);
      return hit;
    }
    const out = Buffer.concat(this.parts(faceKey, mime));
    this.cache.set(faceKey, out);
    if (this.cache.size > this.maxCached) {
      const oldest = this.cache.keys().next().value;
      if (oldest !== undefined) this.cache.delete(oldest);
    }
    return out;
  }
}
