// WCAG 2.1 contrast ratio of two CSS colours (#rgb, #rrggbb or rgb()/rgba(), alpha blended over the background).

type Rgb = [number, number, number];

function parse(color: string): { rgb: Rgb; alpha: number } {
  const c = color.trim();
  const hex = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(c);
  if (hex?.[1]) {
    const digits = hex[1];
    const h = digits.length === 3 ? [...digits].map((x) => x + x).join('') : digits;
    return { rgb: [0, 2, 4].map((i) => parseInt(h.slice(i, i + 2), 16)) as Rgb, alpha: 1 };
  }
  const fn = /^rgba?\(([^)]+)\)$/i.exec(c);
  if (fn?.[1]) {
    const [r = 0, g = 0, b = 0, a = 1] = fn[1].split(',').map((x) => Number(x.trim()));
    return { rgb: [r, g, b], alpha: a };
  }
  throw new Error(`unsupported colour ${color}`);
}

/** `fg` drawn over the opaque `bg`. */
export function blend(fg: string, bg: string): Rgb {
  const f = parse(fg);
  const [br, bg2, bb] = parse(bg).rgb;
  const mix = (v: number, under: number) => v * f.alpha + under * (1 - f.alpha);
  return [mix(f.rgb[0], br), mix(f.rgb[1], bg2), mix(f.rgb[2], bb)];
}

function luminance([r, g, b]: Rgb): number {
  const lin = (v: number) => {
    const s = v / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
}

export function contrastRatio(fg: string, bg: string): number {
  const a = luminance(blend(fg, bg));
  const b = luminance(parse(bg).rgb);
  return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
}
