// Tests take a written snapshot apart (and put a changed one back) as one object: the lines of lines.ts joined.
import { encodeSnapshot } from './lines';
import type { Snapshot } from './schema';

/** The lines joined back into one object, unchecked (the header's counts left out). */
export function joinLines(text: string): Record<string, unknown> {
  const [head, ...body] = text.split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  const out: Record<string, unknown> = { ...head, users: [], faces: {} };
  for (const l of body) {
    if (Array.isArray(l.users)) (out.users as unknown[]).push(...(l.users as unknown[]));
    if (l.faces) Object.assign(out.faces as object, l.faces);
  }
  delete out.userCount;
  delete out.faceCount;
  return out;
}

/** An object (a snapshot, or a deliberately broken one) written back as lines. */
export const splitLines = (snapshot: Record<string, unknown>): string => encodeSnapshot({ users: [], faces: {}, ...snapshot } as unknown as Snapshot);
