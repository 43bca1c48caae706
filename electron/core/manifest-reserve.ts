// Room kept on the disk for the export's final manifest.csv. Photos can fill a disk to the last byte; without this
// the final manifest could not be written and the folder kept an earlier checkpoint that listed fewer photos than
// were on disk. A placeholder file as large as the whole manifest can grow is written before any download and
// deleted just before the final manifest is written, so that write always has its room.
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { ManifestRow } from '../../shared/model';
import { MANIFEST_FILE, manifestCsv } from './manifest';

/** Room per row for what a run may still add to it: file size, sha256, an error code and its detail. */
const ROW_SLACK_BYTES = 512;
const CHUNK_ROWS = 256;

/** An upper bound of the manifest's size in bytes for these rows once every one of them is settled. */
export function manifestBound(rows: Iterable<ManifestRow>): number {
  let total = Buffer.byteLength(manifestCsv([]));
  let chunk: ManifestRow[] = [];
  const flush = () => {
    total += Buffer.byteLength(manifestCsv(chunk, false)) + chunk.length * ROW_SLACK_BYTES;
    chunk = [];
  };
  for (const row of rows) {
    chunk.push(row);
    if (chunk.length >= CHUNK_ROWS) flush();
  }
  flush();
  return total;
}

export interface ManifestReserve {
  /** Deletes the placeholder (idempotent): call it right before the final manifest is written, and in finally. */
  release(): Promise<void>;
}

/** The placeholder is written a block at a time: a large export's reserve is never held in memory at once. */
const BLOCK_BYTES = 1 << 20;

/**
 * Writes the placeholder: random bytes, so that a compressing file system really sets the space aside. Its name is
 * a temp-file name, so a run that was killed leaves it for the next run's clean-up.
 * Throws the write's error (ENOSPC when there is not even room for the manifest).
 */
export async function reserveManifestRoom(
  outDir: string,
  bytes: number,
  /** Appends to the placeholder instead of the default writer; tests swap it to simulate a full disk. */
  append?: (file: string, data: Uint8Array) => Promise<void>,
): Promise<ManifestReserve> {
  const file = path.join(outDir, `.${MANIFEST_FILE}.reserve.part-${randomBytes(6).toString('hex')}`);
  const block = randomBytes(Math.min(bytes, BLOCK_BYTES));
  try {
    const handle = await fs.open(file, 'wx');
    try {
      for (let left = bytes; left > 0; left -= block.byteLength) {
        const part = left >= block.byteLength ? block : block.subarray(0, left);
        if (append) await append(file, part);
        else await handle.write(part);
      }
    } finally {
      await handle.close();
    }
  } catch (e) {
    await fs.rm(file, { force: true }).catch(() => {});
    throw e;
  }
  let released = false;
  return {
    async release() {
      if (released) return;
      released = true;
      await fs.rm(file, { force: true }).catch(() => {});
    },
  };
}
