// One audit-log entry: its actions, its canonical serialisation and its SHA-256 hash. Pure functions, no I/O,
// shared by the writer (log.ts), the checker (verify.ts) and the CSV export (csv.ts).
import { createHash } from 'node:crypto';

/** Every kind of processing of face data that is recorded. photo.replace/import/restore are hooks for the photo-change work. */
export const AUDIT_ACTIONS = [
  'session.sign_in',
  'session.sign_out',
  'session.switch_tenant',
  'export',
  'photo.save',
  'detail.open',
  'photo.replace',
  'photo.import',
  'photo.restore',
  'cache.clear',
  'data.erase',
  'remind.send',
  'coverage.export',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/** The prev of the first entry: no entry before it. */
export const GENESIS_HASH = '0'.repeat(64);

/** Keys every entry has; an action's own fields never override them. */
export const RESERVED_KEYS = ['seq', 'at', 'actor', 'action', 'tenant', 'prev', 'hash'] as const;

export type AuditFieldValue = string | number | boolean | null | AuditFieldValue[] | { [k: string]: AuditFieldValue };
export type AuditFields = Record<string, AuditFieldValue | undefined>;

export interface AuditEntry {
  seq: number;
  /** ISO 8601, UTC. */
  at: string;
  /** The OS user who ran the tool. */
  actor: string;
  action: AuditAction;
  /** "app id@base URL host", or "demo". */
  tenant: string;
  prev: string;
  hash: string;
  [field: string]: AuditFieldValue;
}

/**
 * JSON with object keys sorted at every level and no whitespace: the same entry always gives the same bytes,
 * whatever order its keys were written in, so a re-serialised line still verifies.
 */
export function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const obj = value as Record<string, unknown>;
    const keys = Object.keys(obj)
      .filter((k) => obj[k] !== undefined)
      .sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical(obj[k])}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** SHA-256 (hex) over the canonical form of the entry without its own hash. */
export function entryHash(entry: Omit<AuditEntry, 'hash'> | AuditEntry): string {
  const { hash: _ignored, ...rest } = entry as AuditEntry;
  return createHash('sha256').update(canonical(rest), 'utf8').digest('hex');
}

export function isAuditAction(v: unknown): v is AuditAction {
  return typeof v === 'string' && (AUDIT_ACTIONS as readonly string[]).includes(v);
}
