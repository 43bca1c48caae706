// Small seeded random source so every simulated tenant and fault sequence can be replayed from a seed.

export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Integer in [0, n). */
  int(n: number): number;
  /** Uniformly chosen element. */
  pick<T>(items: readonly T[]): T;
  /** Lower-case hex string of `chars` characters. */
  hex(chars: number): string;
  uint32(): number;
}

/** mulberry32: tiny, fast, good enough for test data (not for anything secret). */
export function createRng(seed: number): Rng {
  let state = seed >>> 0;
  const uint32 = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
  const next = (): number => uint32() / 4294967296;
  const int = (n: number): number => Math.floor(next() * n);
  let scratch = Buffer.alloc(16);
  return {
    next,
    int,
    uint32,
    pick<T>(items: readonly T[]): T {
      if (items.length === 0) throw new Error('pick from an empty list');
      return items[int(items.length)] as T;
    },
    hex(chars: number): string {
      // One native hex conversion per id: tens of thousands of ids must be made in milliseconds.
      const words = Math.ceil(chars / 8);
      if (scratch.length < words * 4) scratch = Buffer.alloc(words * 4);
      for (let i = 0; i < words; i++) scratch.writeUInt32BE(uint32(), i * 4);
      return scratch.toString('hex', 0, Math.ceil(chars / 2)).slice(0, chars);
    },
  };
}

/** Stable 32-bit hash of a string (FNV-1a), for choices that must depend only on an id. */
export function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** murmur3's 32-bit finaliser: spreads a hash's bits so hash / 2^32 is close to uniform. */
export function mix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
