// The audit log as CSV for HR or a compliance officer: UTF-8 with a BOM (Excel), one row per entry, the
// action's own fields as one JSON cell, and every cell that a spreadsheet would run as a formula kept as text.
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

function details(e: AuditEntry): string {
  const rest: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(e)) if (!(RESERVED_KEYS as readonly string[]).includes(k)) rest[k] = v;
  return Object.keys(rest).length > 0 ? JSON.stringify(rest) : '';
}

export function auditCsv(entries: readonly AuditEntry[]): string {
  const rows = entries.map((e) => [String(e.seq), e.at, e.actor, e.action, e.tenant, details(e), e.prev, e.hash].map(guardCell));
  return BOM + stringify(rows, { header: true, columns: [...AUDIT_CSV_COLUMNS], record_delimiter: '\r\n' });
}
