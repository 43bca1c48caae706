// The export's optional ZIP: the saved photos and manifest.csv in one archive in the folder, written under a
// temp name and renamed into place, dropped if the job is cancelled meanwhile.
import { createWriteStream, promises as fs } from 'node:fs';
import path from 'node:path';
import archiver from 'archiver';
import { appError, toAppError } from '../../../shared/errors';
import type { ManifestRow } from '../../../shared/model';
import { nameKey, uniqueName } from '../../../shared/naming';
import { MANIFEST_FILE } from '../manifest';
import { existingFileInside, tempNameFor } from './safe-folder';

function stamp(ms: number): string {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}${p(d.getMonth() + 1)}${p(d.getDate())}-${p(d.getHours())}${p(d.getMinutes())}`;
}

/** The photos the manifest lists as saved or up to date that are still plain files inside the folder. */
async function zipEntries(outDir: string, rows: Iterable<ManifestRow>): Promise<{ abs: string; name: string }[]> {
  const entries: { abs: string; name: string }[] = [];
  for (const r of rows) {
    if ((r.status !== 'saved' && r.status !== 'up_to_date') || !r.file) continue;
    const found = await existingFileInside(outDir, r.file);
    if (found) entries.push({ abs: found.abs, name: r.file });
  }
  return entries;
}

/**
 * Streams the saved photos and the manifest into one ZIP named after the time (`now`, read once the entries are known) in the folder. Returns its
 * path, or null when cancelled (the temp file is removed).
 */
export async function writeZip(outDir: string, rows: Iterable<ManifestRow>, manifestPath: string, signal: AbortSignal, now: () => number): Promise<string | null> {
  const entries = await zipEntries(outDir, rows);
  const existing = new Set((await fs.readdir(outDir)).map(nameKey));
  const target = path.join(outDir, uniqueName(`faces-${stamp(now())}.zip`, existing));
  const temp = tempNameFor(target);
  const archive = archiver('zip', { store: true }); // photos are compressed already
  const out = createWriteStream(temp);
  const written = new Promise<void>((resolve, reject) => {
    out.on('close', () => resolve());
    out.on('error', reject);
    archive.on('error', reject);
    archive.on('warning', reject);
  });
  let onAbort = () => {};
  const aborted = new Promise<never>((_resolve, reject) => {
    onAbort = () => {
      archive.abort();
      out.destroy();
      reject(appError('export.cancelled', 'Cancelled'));
    };
  });
  aborted.catch(() => {});
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    archive.pipe(out);
    for (const e of entries) archive.file(e.abs, { name: e.name });
    archive.file(manifestPath, { name: MANIFEST_FILE });
    await Promise.race([Promise.all([archive.finalize(), written]), aborted]);
    if (signal.aborted) throw appError('export.cancelled', 'Cancelled');
    await fs.rename(temp, target);
    return target;
  } catch (e) {
    out.destroy();
    await fs.rm(temp, { force: true }).catch(() => {});
    if (signal.aborted) return null;
    const info = toAppError(e);
    throw appError(info.code === 'internal' ? 'fs.not_writable' : info.code, 'Could not write the ZIP file', { detail: outDir });
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
}
