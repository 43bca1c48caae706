// The audit log as CSV for HR or a compliance officer: UTF-8 with a BOM (Excel), one row per entry, the
// action's own fields as one JSON cell, and every cell that a spreadsheet would run as a formula kept as text.
// Every cell fits Excel's limit: a long list of user IDs is shortened here, never in the log itself.
import { stringify } from 'csv-stringify/sync';
import { RESERVED_KEYS, type AuditEntry } from './entry';

const BOM = '\ufeff';
export const AUDIT_CSV_COLUMNS = ['seq', 'at', 'actor', 'action', 'tenant', 'details', 'prev', 'hash'] as const;

// The same rule as manifest.csv: = + - @ start a formula, and a leading control character can hide one;
// a leading apostrophe keeps the cell text.
// eslint-disable-next-line no-control-regex
const FORMULA_RE = /^[=+\-@'\u0000-\u001f\u007f]/;

export function guardCell(v: string): string {
  return FORMULA_RE.test(v) ? `'${v}` : v;
}

/** Excel keeps at most this many characters in a cell: a longer one is cut, or spills into the next rows. */
export const CSV_CELL_MAX = 32_767;
/** What the user IDs of one entry may take of its details cell; the rest of the cell holds the other fields. */
const IDS_BUDGET = 24_000;
const ID_LIST = 'userIds';

/**
 * The first IDs that fit the budget, then "…and K more": a whole-company export names every employee in the log
 * (its employees field has the count), which would overflow an Excel cell.
 */
function idsForCsv(ids: readonly unknown[]): unknown[] {
  const out: unknown[] = [];
  let used = 0;
  for (const [i, id] of ids.entries()) {
    used += JSON.stringify(id).length + 1;
    if (used > IDS_BUDGET) return [...out, `…and ${ids.length - i} more (all in the audit log)`];
    out.push(id);
  }
  return out;
}

/** Last resort for any other overlong cell (never expected: a purpose is at most 500 characters). */
function fitCell(v: string): string {
  if (v.length <= CSV_CELL_MAX) return v;
  const note = `… (${v.length} characters, cut; all in the audit log)`;
  return v.slice(0, CSV_CELL_MAX - note.length) + note;
}

function details(e: AuditEntry): string {
  const rest: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(e)) if (!(RESERVED_KEYS as readonly string[]).includes(k)) rest[k] = k === ID_LIST && Array.isArray(v) ? idsForCsv(v) : v;
  return Object.keys(rest).length > 0 ? JSON.stringify(rest) : '';
}

export function auditCsv(entries: readonly AuditEntry[]): string {
  const rows = entries.map((e) => [String(e.seq), e.at, e.actor, e.action, e.tenant, details(e), e.prev, e.hash].map((c) => fitCell(guardCell(c))));
  return BOM + stringify(rows, { header: true, columns: [...AUDIT_CSV_COLUMNS], record_delimiter: '\r\n' });
}
