// The journal's lines at rest: each entry sealed with the archive's key (the at-rest envelope, bound to the
// journal) and written as one base64 line, so names, employee numbers and face keys are not on disk in plain text.
// An older version wrote plain JSON lines: they are still read, and the first write of a journal seals them in
// place (one atomic rewrite), so an older change can still be undone and no name stays readable.
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { openEnvelope, seal, type AtRestKey } from '../at-rest/envelope';
import { syncFolder } from './blobs';

/** Authenticated with every sealed line: a line sealed for another file does not open here. */
const CONTEXT = 'photo-change journal';

export const sealLine = (key: AtRestKey, json: string): string => `${seal(key, Buffer.from(json, 'utf8'), CONTEXT).toString('base64')}\n`;

/** A line's JSON text: a plain line (older version) as it is, a sealed one opened; null when unreadable (torn, another key). */
export function lineText(line: string, key: AtRestKey | null): string | null {
  if (line.startsWith('{')) return line;
  if (!key) return null;
  const r = openEnvelope(key, Buffer.from(line, 'base64'), CONTEXT);
  return r.ok ? r.plain.toString('utf8') : null;
}

/**
 * Seals the plain lines an older version left, in place: the file is rewritten beside itself and renamed over it
 * (fsynced), so a crash leaves either the old file or the new one, never half. Sealed lines (of any key) are
 * kept as they are; a plain fragment that is not JSON (a line torn by a crash, never readable) is dropped. If
 * the file grew meanwhile (another process appended), it is left as it is: it is read either way.
 */
export async function sealPlainLines(file: string, key: AtRestKey): Promise<void> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (e) {
    if ((e as { code?: string }).code === 'ENOENT') return;
    throw e;
  }
  const lines = text.split('\n').filter((l) => l.trim());
  if (!lines.some((l) => l.startsWith('{'))) return;
  const out = lines.flatMap((l) => {
    if (!l.startsWith('{')) return [`${l}\n`];
    try {
      JSON.parse(l);
      return [sealLine(key, l)];
    } catch {
      return [];
    }
  });
  const temp = path.join(path.dirname(file), `.${path.basename(file)}.part-${randomBytes(6).toString('hex')}`);
  const h = await fs.open(temp, 'wx', 0o600);
  try {
    await h.writeFile(out.join(''));
    await h.sync();
  } finally {
    await h.close();
  }
  const now = await fs.stat(file).catch(() => null);
  if (now?.size !== Buffer.byteLength(text)) return void (await fs.rm(temp, { force: true }));
  await fs.rename(temp, file);
  await syncFolder(path.dirname(file));
}

/** Whether the file's last line has no line break (a write cut short by a crash). */
export async function endsMidLine(file: string): Promise<boolean> {
  const h = await fs.open(file, 'r');
  try {
    const { size } = await h.stat();
    if (size === 0) return false;
    const last = Buffer.alloc(1);
    await h.read(last, 0, 1, size - 1);
    return last[0] !== 0x0a;
  } finally {
    await h.close();
  }
}
