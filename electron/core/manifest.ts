// manifest.csv: one row per employee of an export, opened by HR in Excel (hence UTF-8 with a BOM)
// and read back by the next run to skip photos already saved.
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { MANIFEST_COLUMNS, type ExportItemStatus, type ManifestRow } from '../../shared/model';

export const MANIFEST_FILE = 'manifest.csv';
const BOM = '\ufeff';
const STATUSES = new Set<ExportItemStatus>(['saved', 'up_to_date', 'no_photo', 'failed', 'cancelled']);

// Cells starting with = + - @ are formulas to Excel: a name like "=HYPERLINK(...)" must stay text, so such
// cells (and, to keep the escape reversible, cells already starting with ') get a leading apostrophe. So do cells
// starting with any control character (NUL, tab, CR, LF…): spreadsheet programs skip some of them and then see
// the formula behind.
// eslint-disable-next-line no-control-regex
const FORMULA_RE = /^[=+\-@'\u0000-\u001f\u007f]/;

export function guard(v: string): string {
  return FORMULA_RE.test(v) ? `'${v}` : v;
}

function unguard(v: string): string {
  return v.startsWith("'") && FORMULA_RE.test(v.slice(1)) ? v.slice(1) : v;
}

/** The CSV text of rows: a whole file (BOM and header line first), or with header=false rows to append to one. */
export function manifestCsv(rows: readonly ManifestRow[], header = true): string {
  const body = stringify(
    // file stays verbatim for programs reading the manifest; sanitised names never start with = + - @.
    rows.map((r) => MANIFEST_COLUMNS.map((c) => (c === 'file' ? r[c] : guard(r[c])))),
    { header, columns: MANIFEST_COLUMNS as string[], record_delimiter: '\r\n' },
  );
  return header ? BOM + body : body;
}

/** Rows of a CSV file (RFC 4180 quoting, BOM tolerated); a malformed file reads as no rows. */
export function parseCsv(text: string): string[][] {
  try {
    return parse(text, { bom: true, relax_column_count: true, skip_empty_lines: true }) as string[][];
  } catch {
    return [];
  }
}

/** The previous run's rows by user id; an unreadable or foreign file counts as no previous run. */
export async function readManifest(outDir: string): Promise<Map<string, ManifestRow>> {
  const out = new Map<string, ManifestRow>();
  let text: string;
  try {
    text = await fs.readFile(path.join(outDir, MANIFEST_FILE), 'utf8');
  } catch {
    return out;
  }
  const [header, ...records] = parseCsv(text);
  if (!header) return out;
  const col = new Map(header.map((h, i) => [h.trim(), i]));
  if (!col.has('user_id') || !col.has('status') || !col.has('file')) return out;
  for (const rec of records) {
    const get = (k: keyof ManifestRow) => {
      const i = col.get(k);
      return i === undefined ? '' : (rec[i] ?? '');
    };
    const row = Object.fromEntries(MANIFEST_COLUMNS.map((k) => [k, k === 'file' ? get(k) : unguard(get(k))])) as unknown as ManifestRow;
    if (!row.user_id || !STATUSES.has(row.status)) continue;
    out.set(row.user_id, row);
  }
  return out;
}

/** Rows serialised per write: a checkpoint of a large export never holds the whole CSV (or all its cells) at once. */
const WRITE_CHUNK_ROWS = 256;

/**
 * Writes the manifest atomically: a reader (or a crash) sees the old file or the new one, never half.
 * Rows are serialised and written a chunk at a time (they may come from a generator), so the memory a write
 * takes stays the same however many rows there are.
 */
export async function writeManifest(
  outDir: string,
  rows: Iterable<ManifestRow>,
  /** Appends a chunk to the temp file instead of the default writer; tests swap it to simulate a full disk. */
  append?: (file: string, text: string) => Promise<void>,
): Promise<string> {
  const target = path.join(outDir, MANIFEST_FILE);
  const temp = path.join(outDir, `.${MANIFEST_FILE}.part-${randomBytes(6).toString('hex')}`);
  try {
    const file = await fs.open(temp, 'wx');
    try {
      const write = append ? (text: string) => append(temp, text) : (text: string) => file.writeFile(text, 'utf8');
      let chunk: ManifestRow[] = [];
      let header = true;
      const flush = async () => {
        const text = manifestCsv(chunk, header);
        header = false;
        chunk = [];
        await write(text);
      };
      for (const row of rows) {
        chunk.push(row);
        if (chunk.length >= WRITE_CHUNK_ROWS) await flush();
      }
      if (chunk.length || header) await flush();
    } finally {
      await file.close();
    }
    await fs.rename(temp, target);
  } catch (e) {
    await fs.rm(temp, { force: true }).catch(() => {});
    throw e;
  }
  return target;
}
