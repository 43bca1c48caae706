// One employee's photo: up to date already, or downloaded (cache first) and written into the folder under the
// planned name, beside a foreign file that holds that name, and the employee's old file under another name removed.
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { ManifestRow } from '../../../shared/model';
import { extensionFor, nameKey } from '../../../shared/naming';
import type { PhotoStore } from '../types';
import { baseRow, holdsFile, isVariantOf, slotKey, splitRel, uniqueBase, type Plan } from './plan';
import { existingFileInside, fileInside, folderInside, foreignFileAt, sameFile, writeAtomic } from './safe-folder';

export interface SaveContext {
  outDir: string;
  photos: PhotoStore;
  signal: AbortSignal;
  /** Planned names by slot (slotKey): who owns which name in this run. */
  claimed: Map<string, Plan>;
  /** Files an earlier run of ours saved here (nameKey of the manifest path): the only ones a photo may replace. */
  ours: Set<string>;
  /** Folders this run moved a photo out of (the layout changed): removed at the end if that left them empty. */
  vacated: Set<string>;
  writeFile?: (file: string, bytes: Uint8Array) => Promise<void>;
  log?: (level: 'info', message: string, fields?: Record<string, unknown>) => void;
}

/** One employee: up to date already, or download (cache first) and write. Returns null when cancelled. */
export async function saveOne(ctx: SaveContext, p: Plan): Promise<ManifestRow | null> {
  const faceKey = p.face.faceKey!;
  const usable = holdsFile(p.prev) ? p.prev : undefined;
  const kept = usable && usable.face_key === faceKey ? await stillInPlace(ctx.outDir, p, usable) : null;
  if (kept) return kept;

  const photo = await ctx.photos.get(faceKey, ctx.signal);
  if (ctx.signal.aborted) return null;
  const dir = await folderInside(ctx.outDir, p.folder);
  const ext = extensionFor(photo.mime);
  let { rel, abs } = fileInside(ctx.outDir, dir, p.folder, p.base + ext);
  // A file already at that name that the manifest does not list is not ours to replace (the admin's own,
  // another tool's). If it holds exactly this photo, a run killed before its manifest checkpoint wrote it: keep
  // it. Otherwise this photo goes beside it and the file stays untouched.
  let written = false;
  if (!ctx.ours.has(nameKey(rel))) {
    const there = await foreignFileAt(abs, photo.bytes);
    if (there === 'same') written = true;
    else if (there === 'foreign') {
      const beside = await nameBeside(ctx, dir, p, ext, photo.bytes);
      p.base = beside.base;
      written = beside.existing;
      ({ rel, abs } = fileInside(ctx.outDir, dir, p.folder, p.base + ext));
      ctx.log?.('info', 'export name taken by a file not in the manifest; saved beside it', { file: rel });
    }
  }
  if (!written) await writeAtomic(abs, photo.bytes, ctx.writeFile);
  if (usable && nameKey(usable.file) !== nameKey(rel)) await removeReplaced(ctx, p, usable, abs);
  return {
    ...baseRow(p),
    file: rel,
    bytes: String(photo.bytes.byteLength),
    sha256: createHash('sha256').update(photo.bytes).digest('hex'),
    // Found already in the folder, byte for byte: nothing was written.
    status: written ? 'up_to_date' : 'saved',
  };
}

/** Last run's file for the same face, at the planned name and of the recorded size: up to date, nothing to do. */
async function stillInPlace(outDir: string, p: Plan, usable: ManifestRow): Promise<ManifestRow | null> {
  const slot = splitRel(usable.file);
  if (slotKey(slot.folder, slot.base) !== slotKey(p.folder, p.base)) return null;
  const st = await existingFileInside(outDir, usable.file);
  if (!st || String(st.size) !== usable.bytes) return null;
  return { ...baseRow(p), file: usable.file, bytes: usable.bytes, sha256: usable.sha256, status: 'up_to_date' };
}

/**
 * The employee's old file under another name (template, folder or type changed) goes, unless another
 * employee now owns that name, it is the file just written (same name on a case-insensitive disk), or the
 * row does not name a plain file inside the folder.
 */
async function removeReplaced(ctx: SaveContext, p: Plan, usable: ManifestRow, abs: string): Promise<void> {
  const slot = splitRel(usable.file);
  const owner = ctx.claimed.get(slotKey(slot.folder, slot.base));
  const old = !owner || owner === p ? await existingFileInside(ctx.outDir, usable.file) : null;
  const now = old ? await fs.lstat(abs).catch(() => null) : null;
  if (old && now && !(old.ino === now.ino && old.dev === now.dev)) {
    await fs.rm(old.abs, { force: true }).catch(() => {});
    ctx.vacated.add(path.dirname(old.abs));
  }
}

/**
 * Where a photo goes when its planned name is held by a file the manifest does not list: a "name (n)" beside it
 * that no manifest row or other employee of this run has and that already holds exactly this photo (an earlier
 * export whose manifest was lost), or else the next name that neither a file on disk nor another employee has.
 */
async function nameBeside(ctx: SaveContext, dir: string, p: Plan, ext: string, bytes: Uint8Array): Promise<{ base: string; existing: boolean }> {
  const entries = await fs.readdir(dir);
  const folder = nameKey(p.folder);
  const others = new Set<string>();
  for (const other of ctx.claimed.values()) if (other !== p && nameKey(other.folder) === folder) others.add(nameKey(other.base));
  for (const name of entries) {
    if (!name.toLowerCase().endsWith(ext)) continue;
    const base = name.slice(0, -ext.length);
    const rel = p.folder ? `${p.folder}/${name}` : name;
    if (nameKey(base) === nameKey(p.base) || !isVariantOf(base, p.base) || others.has(nameKey(base)) || ctx.ours.has(nameKey(rel))) continue;
    const abs = path.join(dir, name);
    const st = await fs.lstat(abs).catch(() => null);
    if (st && (await sameFile(abs, st, bytes))) {
      ctx.claimed.set(slotKey(p.folder, base), p);
      return { base, existing: true };
    }
  }
  const taken = new Set([...entries.map((n) => nameKey(n.replace(/\.[^.]*$/, ''))), ...others]);
  const base = uniqueBase(p.base, taken);
  ctx.claimed.set(slotKey(p.folder, base), p);
  return { base, existing: false };
}
