// Audit entries as Settings shows them: details flattened to plain values (lists and objects as JSON text),
// the employee count of each action, and the distinct employees the log names (the privacy summary).
import { AUDIT_VIEW_MAX, type AuditRow, type AuditView } from '../../shared/audit-view';
import { RESERVED_KEYS, type AuditEntry, type VerifyResult } from '../core/audit/index';

/** The fields that name employees: one (detail, save) or a list (export). */
const ID_LIST = 'userIds';
const ONE_ID = 'userId';

function fieldsOf(e: AuditEntry): Record<string, AuditEntry[string]> {
  const out: Record<string, AuditEntry[string]> = {};
  for (const [k, v] of Object.entries(e)) if (!(RESERVED_KEYS as readonly string[]).includes(k)) out[k] = v;
  return out;
}

/** Employees an entry touched: its count field, else its id list, else one for an entry about one employee. */
function countOf(fields: Record<string, AuditEntry[string]>): number | null {
  if (typeof fields.employees === 'number') return fields.employees;
  const ids = fields[ID_LIST];
  if (Array.isArray(ids)) return ids.length;
  return typeof fields[ONE_ID] === 'string' ? 1 : null;
}

export function auditRow(e: AuditEntry): AuditRow {
  const fields = fieldsOf(e);
  const details: AuditRow['details'] = {};
  for (const [k, v] of Object.entries(fields)) {
    // The id list can be long (a whole-company export): the table shows its count, the CSV keeps the list.
    if (k === ID_LIST) continue;
    details[k] = v !== null && typeof v === 'object' ? JSON.stringify(v) : v;
  }
  return { seq: e.seq, at: e.at, actor: e.actor, action: e.action, tenant: e.tenant, details, count: countOf(fields) };
}

export function auditView(entries: readonly AuditEntry[], check: VerifyResult): AuditView {
  const rows = entries.slice(-AUDIT_VIEW_MAX).reverse().map(auditRow);
  return { rows, total: entries.length, check };
}

/** Distinct employees (per tenant) the log names: detail views, saved photos and every exported id. */
export function distinctEmployees(entries: readonly AuditEntry[]): number {
  const seen = new Set<string>();
  for (const e of entries) {
    const one = e[ONE_ID];
    if (typeof one === 'string') seen.add(`${e.tenant}\u0000${one}`);
    const list = e[ID_LIST];
    if (Array.isArray(list)) for (const id of list) if (typeof id === 'string') seen.add(`${e.tenant}\u0000${id}`);
  }
  return seen.size;
}
