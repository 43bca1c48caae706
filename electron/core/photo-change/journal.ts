// The journal of photo changes: append-only, one line per step (a JSON entry sealed with the archive's key:
// journal-lines.ts), each appended and fsynced before the step it announces is sent. An 'intent' line (old and new
// face_key, hashes, source) is on disk before the modify goes out; a 'done' line follows once Feishu shows the new
// face_key. A run killed in between leaves the intent, which is all an undo needs: the old photo's hash, whose
// bytes the archive already holds.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { AtRestKey, KeyProvider } from '../at-rest/envelope';
import { syncFolder } from './blobs';
import { endsMidLine, lineText, sealLine, sealPlainLines } from './journal-lines';

export type ChangeKind = 'replace' | 'import' | 'restore';

export interface JournalEntry {
  /** Random id shared by the intent and done lines of one change. */
  id: string;
  phase: 'intent' | 'done';
  /** ISO 8601, UTC. */
  at: string;
  kind: ChangeKind;
  /** Contact user_id (= attendance employee_id). */
  userId: string;
  employeeNo: string;
  name: string;
  /** The face_key before the change; null when the employee had no photo (a first enrolment). */
  oldFaceKey: string | null;
  /** The uploaded file_id the modify sets. */
  newFaceKey: string;
  /** SHA-256 (hex) of the old photo's bytes as kept in the archive; null with oldFaceKey null. */
  oldSha256: string | null;
  /** SHA-256 (hex) of the bytes uploaded. */
  newSha256: string;
  /** The file the new photo came from (base name), or what a restore put back. */
  source: string;
  /** face_key_update_time after the change (Unix seconds); on done lines. */
  updatedAt?: number | null;
}

const isEntry = (v: unknown): v is JournalEntry => {
  const e = v as Partial<JournalEntry> | null;
  return !!e && typeof e === 'object' && typeof e.id === 'string' && typeof e.userId === 'string' && typeof e.newFaceKey === 'string' && (e.phase === 'intent' || e.phase === 'done');
};

interface Pending {
  line: string;
  resolve(): void;
  reject(e: unknown): void;
}

export class PhotoJournal {
  private queue: Pending[] = [];
  private flushing = false;
  /** The file (and its folder) are known to be there: later writes skip the mkdir and the lstat. */
  private seen = false;

  /** keys: the archive's (the photo cache's at-rest key); null reads only the plain lines of an older version and cannot append. */
  constructor(
    readonly file: string,
    private readonly keys: KeyProvider | null,
  ) {}

  private async key(): Promise<AtRestKey | null> {
    return this.keys ? this.keys.key() : null;
  }

  /**
   * Appends one line; resolves once it is fsynced (and, when the file is new, its folder). Group commit: lines
   * appended while a write is under way go out together in the next write and share its one fsync, so many
   * changes in flight pay for one fsync, not one each — and no line resolves before the fsync that covers it.
   */
  append(entry: JournalEntry): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ line: JSON.stringify(entry), resolve, reject });
      if (!this.flushing) void this.flush();
    });
  }

  /** Writes what is queued, batch after batch, until nothing is left (the flag is cleared in the same tick as the last check). */
  private async flush(): Promise<void> {
    this.flushing = true;
    try {
      while (this.queue.length) {
        const batch = this.queue.splice(0);
        try {
          if (!this.keys) throw new Error('the journal is sealed with the archive key: none given');
          const key = await this.keys.key();
          await this.writeSynced(batch.map((p) => sealLine(key, p.line)).join(''), key);
          for (const p of batch) p.resolve();
        } catch (e) {
          for (const p of batch) p.reject(e);
        }
      }
    } finally {
      this.flushing = false;
    }
  }

  /**
   * One write and one fsync; the first write of this journal also makes the folder and fsyncs it when the file is
   * new, or seals the plain lines an older version left.
   */
  private async writeSynced(lines: string, key: AtRestKey): Promise<void> {
    const dir = path.dirname(this.file);
    let text = lines;
    let isNew = false;
    if (!this.seen) {
      await fs.mkdir(dir, { recursive: true, mode: 0o700 });
      isNew = !(await fs.lstat(this.file).catch(() => null));
      if (!isNew) await sealPlainLines(this.file, key);
      // A line a crash cut short must not swallow the next one: it goes on a line of its own.
      if (!isNew && (await endsMidLine(this.file))) text = `\n${text}`;
    }
    const h = await fs.open(this.file, 'a', 0o600);
    try {
      await h.writeFile(text);
      await h.sync();
    } finally {
      await h.close();
    }
    if (isNew) await syncFolder(dir);
    this.seen = true;
  }

  /**
   * Every entry in order, sealed or (older version) plain. A line cut short by a crash (the last one), sealed with
   * another key, or not an entry is skipped, never fatal.
   */
  async entries(): Promise<JournalEntry[]> {
    let text: string;
    try {
      text = await fs.readFile(this.file, 'utf8');
    } catch (e) {
      if ((e as { code?: string }).code === 'ENOENT') return [];
      throw e;
    }
    const key = await this.key();
    const out: JournalEntry[] = [];
    for (const line of text.split('\n')) {
      if (!line.trim()) continue;
      try {
        const json = lineText(line, key);
        if (json === null) continue;
        const v: unknown = JSON.parse(json);
        if (isEntry(v)) out.push(v);
      } catch {
        // torn line
      }
    }
    return out;
  }

  /** The most recent change of this employee (its intent line, with updatedAt from its done line when there is one). */
  async latestFor(userId: string): Promise<(JournalEntry & { confirmed: boolean }) | null> {
    const mine = (await this.entries()).filter((e) => e.userId === userId);
    const last = mine.at(-1);
    if (!last) return null;
    const intent = mine.find((e) => e.id === last.id && e.phase === 'intent') ?? last;
    const done = mine.find((e) => e.id === last.id && e.phase === 'done');
    return { ...intent, ...(done ? { updatedAt: done.updatedAt ?? null } : {}), confirmed: Boolean(done) };
  }
}
