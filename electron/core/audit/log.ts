// The audit log's writer: a JSON Lines file, append-only, each line chained to the one before by its hash.
// Appends from several processes (the app and a cron-run CLI) are serialised by a lock, under which the last
// line is read for its seq and hash; the line is then written with one O_APPEND write, so it lands whole.
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { userInfo } from 'node:os';
import path from 'node:path';
import { redact, redactValue } from '../../../shared/redact';
import { isAppFailure } from '../../../shared/errors';
import { lockFolder, type FolderLock } from '../folder-lock';
import { GENESIS_HASH, RESERVED_KEYS, entryHash, type AuditAction, type AuditEntry, type AuditFields, type AuditFieldValue } from './entry';

export const AUDIT_FILE = 'audit.log';
/** The lock lives in its own sub-folder so it can never be mistaken for (or block) an export into the same folder. */
const LOCK_DIR = '.audit-lock';
/** How long an append waits for another process's append before giving up. */
const LOCK_WAIT_MS = 15_000;

export interface AppendRequest {
  action: AuditAction;
  /** "app id@host" or "demo"; see tenantLabel. */
  tenant: string;
  fields?: AuditFields;
  /** Known secrets (app secret, tokens) to blank wherever they appear. */
  secrets?: Iterable<string | undefined>;
  actor?: string;
  now?: () => number;
}

export function auditLogPath(dir: string): string {
  return path.join(dir, AUDIT_FILE);
}

/** The tenant as the log names it: the app id and the host of the base URL, or "demo". */
export function tenantLabel(t: { demo: boolean; appId: string; baseUrl: string }): string {
  if (t.demo) return 'demo';
  let host = t.baseUrl;
  try {
    host = new URL(t.baseUrl).host;
  } catch {
    // not a URL: keep it as given (it is redacted anyway)
  }
  return `${t.appId}@${host}`;
}

/** The OS account running this process; "unknown" where the platform cannot say (no passwd entry in a container). */
export function osUser(): string {
  try {
    return userInfo().username || process.env.USER || process.env.USERNAME || 'unknown';
  } catch {
    return process.env.USER || process.env.USERNAME || 'unknown';
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** The folder lock of folder-lock.ts, waited for instead of refused: appends take milliseconds. */
async function lockLog(dir: string): Promise<FolderLock> {
  const lockDir = path.join(dir, LOCK_DIR);
  await fs.mkdir(lockDir, { recursive: true, mode: 0o700 });
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    try {
      return await lockFolder(lockDir);
    } catch (e) {
      if (!isAppFailure(e) || e.info.code !== 'export.folder_locked' || Date.now() > deadline) throw e;
      await sleep(2 + Math.random() * 10);
    }
  }
}

/** The last line of the file (without its newline) and whether the file ends with a newline. */
async function lastLine(fh: fs.FileHandle): Promise<{ line: string | null; endsWithNewline: boolean; lines: () => Promise<number> }> {
  const size = (await fh.stat()).size;
  const countLines = async () => (await fh.readFile('utf8')).split('\n').filter((l) => l !== '').length;
  if (size === 0) return { line: null, endsWithNewline: true, lines: countLines };
  const chunk = 64 * 1024;
  let tail = Buffer.alloc(0);
  let pos = size;
  for (;;) {
    const len = Math.min(chunk, pos);
    pos -= len;
    const buf = Buffer.alloc(len);
    await fh.read(buf, 0, len, pos);
    tail = Buffer.concat([buf, tail]);
    const text = tail.toString('utf8');
    const body = text.endsWith('\n') ? text.slice(0, -1) : text;
    const nl = body.lastIndexOf('\n');
    if (nl >= 0 || pos === 0) return { line: body.slice(nl + 1), endsWithNewline: text.endsWith('\n'), lines: countLines };
  }
}

/** seq and prev for the next entry. A damaged last line is chained to by the hash of its raw text (verify reports it). */
async function nextLink(fh: fs.FileHandle): Promise<{ seq: number; prev: string; separator: string }> {
  const last = await lastLine(fh);
  const separator = last.endsWithNewline ? '' : '\n';
  if (last.line === null) return { seq: 1, prev: GENESIS_HASH, separator };
  try {
    const e = JSON.parse(last.line) as Partial<AuditEntry>;
    if (typeof e.seq === 'number' && typeof e.hash === 'string') return { seq: e.seq + 1, prev: e.hash, separator };
  } catch {
    // fall through
  }
  const prev = createHash('sha256').update(last.line, 'utf8').digest('hex');
  return { seq: (await last.lines()) + 1, prev, separator };
}

/**
 * An action's fields, redacted (secret-like keys blanked, tokens and known secrets cut out of every string) and
 * complete: unlike a diagnostic log, no list is cut short (an export of 20,000 employees names all 20,000).
 */
function cleanFields(fields: AuditFields, secrets: (string | undefined)[]): Record<string, AuditFieldValue> {
  const out: Record<string, AuditFieldValue> = {};
  const redacted = redactValue(fields, secrets, { maxItems: Infinity }) as Record<string, AuditFieldValue | undefined>;
  for (const [k, v] of Object.entries(redacted)) {
    if (v === undefined || (RESERVED_KEYS as readonly string[]).includes(k)) continue;
    out[k] = v;
  }
  return out;
}

/** Appends one entry and returns it as written. The file and its folder are readable by this user only. */
export async function appendAudit(dir: string, req: AppendRequest): Promise<AuditEntry> {
  await fs.mkdir(dir, { recursive: true, mode: 0o700 });
  const secrets = [...(req.secrets ?? [])];
  const lock = await lockLog(dir);
  try {
    const fh = await fs.open(auditLogPath(dir), 'a+', 0o600);
    try {
      // A file created by an older version, or by hand, is narrowed to this user too.
      await fh.chmod(0o600).catch(() => undefined);
      const { seq, prev, separator } = await nextLink(fh);
      const base = {
        ...cleanFields(req.fields ?? {}, secrets),
        seq,
        at: new Date((req.now ?? Date.now)()).toISOString(),
        actor: redact(req.actor ?? osUser(), secrets),
        action: req.action,
        tenant: redact(req.tenant, secrets),
        prev,
      };
      const entry = { ...base, hash: entryHash(base) } as AuditEntry;
      // One write call on an O_APPEND descriptor: the line lands whole, after whatever is there.
      await fh.write(`${separator}${JSON.stringify(entry)}\n`);
      return entry;
    } finally {
      await fh.close();
    }
  } finally {
    await lock.release();
  }
}
