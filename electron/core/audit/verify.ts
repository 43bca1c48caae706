// The audit log's checker and reader: walks the chain line by line and names the first entry that does not
// follow from the one before (edited, deleted, reordered, or a line cut short).
import { promises as fs } from 'node:fs';
import { GENESIS_HASH, entryHash, isAuditAction, type AuditEntry } from './entry';

export type VerifyResult =
  | { ok: true; entries: number }
  | {
      ok: false;
      entries: number;
      /** 1-based line of the first broken entry. */
      line: number;
      /** The seq that entry should have had (the entry before it is the last good one). */
      seq: number;
      reason: 'unreadable' | 'hash' | 'chain' | 'seq';
    };

function parseEntry(line: string): AuditEntry | null {
  try {
    const v = JSON.parse(line) as Partial<AuditEntry>;
    if (typeof v.seq === 'number' && typeof v.hash === 'string' && typeof v.prev === 'string' && isAuditAction(v.action)) return v as AuditEntry;
  } catch {
    // unreadable
  }
  return null;
}

/** Lines of the log text; a missing file is an empty log. */
export async function readLogLines(file: string): Promise<string[]> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (e) {
    if ((e as { code?: string }).code === 'ENOENT') return [];
    throw e;
  }
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** Checks the chain of the given lines: each hash is its entry's, each prev the hash before, seq counts up from 1. */
export function verifyLines(lines: readonly string[]): VerifyResult {
  let prev = GENESIS_HASH;
  for (let i = 0; i < lines.length; i++) {
    const broken = (reason: 'unreadable' | 'hash' | 'chain' | 'seq') => ({ ok: false as const, entries: lines.length, line: i + 1, seq: i + 1, reason });
    const entry = parseEntry(lines[i] ?? '');
    if (!entry) return broken('unreadable');
    if (entryHash(entry) !== entry.hash) return broken('hash');
    if (entry.prev !== prev) return broken('chain');
    if (entry.seq !== i + 1) return broken('seq');
    prev = entry.hash;
  }
  return { ok: true, entries: lines.length };
}

export async function verifyLog(file: string): Promise<VerifyResult> {
  return verifyLines(await readLogLines(file));
}

/** The entries that can be read, oldest first, from `since` on (unreadable lines are skipped: verify names them). */
export async function readLog(file: string, since?: Date): Promise<AuditEntry[]> {
  const entries = (await readLogLines(file)).map(parseEntry).filter((e): e is AuditEntry => e !== null);
  if (!since) return entries;
  const from = since.getTime();
  return entries.filter((e) => Date.parse(e.at) >= from);
}
