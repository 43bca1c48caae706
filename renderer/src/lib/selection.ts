// Selection rules for the employee list, kept free of React so they can be tested alone.
import type { EmployeeFilter } from '../../../shared/model';
import type { RequestOf } from '../../../shared/ipc';

type ExportSelection = RequestOf<'exportStart'>['selection'];

/** Toggles one id; returns a new set. */
export function toggleId(selected: ReadonlySet<string>, id: string): Set<string> {
  const next = new Set(selected);
  if (next.has(id)) next.delete(id);
  else next.add(id);
  return next;
}

/**
 * Shift-click: the ids between the anchor and the clicked row take the clicked row's new state,
 * like a file manager. `ids` are the ids of rows anchor..target in list order.
 */
export function applyRange(selected: ReadonlySet<string>, ids: readonly string[], select: boolean): Set<string> {
  const next = new Set(selected);
  for (const id of ids) {
    if (select) next.add(id);
    else next.delete(id);
  }
  return next;
}

/** Inclusive index range between two rows, whichever comes first. */
export function rangeBetween(a: number, b: number): [number, number] {
  return a <= b ? [a, b] : [b, a];
}

/** Page numbers that hold rows from..to (inclusive). */
export function pagesFor(from: number, to: number, pageSize: number): number[] {
  if (to < from) return [];
  const first = Math.floor(from / pageSize);
  const last = Math.floor(to / pageSize);
  const pages: number[] = [];
  for (let p = first; p <= last; p++) pages.push(p);
  return pages;
}

/**
 * What the admin has selected: either these ids, or "everyone filter F matches, minus these ids" (after
 * "select all in the current filter"), so the export can send the filter instead of up to 200,000 ids.
 * `total` is how many F matched when it was taken; `except` only ever holds ids F matches.
 */
export type Selection =
  | { kind: 'ids'; ids: ReadonlySet<string> }
  | { kind: 'filter'; filter: EmployeeFilter; total: number; except: ReadonlySet<string> };

export const NO_SELECTION: Selection = { kind: 'ids', ids: new Set() };

export function isSelected(s: Selection, id: string): boolean {
  return s.kind === 'ids' ? s.ids.has(id) : !s.except.has(id);
}

/** How many employees the selection holds; `liveTotal` is the filter's current total when it is on screen. */
export function selectedCount(s: Selection, liveTotal?: number): number {
  return s.kind === 'ids' ? s.ids.size : Math.max(0, (liveTotal ?? s.total) - s.except.size);
}

/** Ticking or unticking one employee; in a filter selection that edits its exceptions. */
export function toggleIn(s: Selection, id: string): Selection {
  return s.kind === 'ids' ? { kind: 'ids', ids: toggleId(s.ids, id) } : { ...s, except: toggleId(s.except, id) };
}

/** A shift range given the clicked row's new state; `ids` are rows of the filter the selection was taken in. */
export function applyRangeIn(s: Selection, ids: readonly string[], select: boolean): Selection {
  return s.kind === 'ids' ? { kind: 'ids', ids: applyRange(s.ids, ids, select) } : { ...s, except: applyRange(s.except, ids, !select) };
}

/** A filter selection as the plain ids it stands for, given every id its filter matches. */
export function resolveToIds(s: Selection, filterIds: readonly string[]): Selection {
  if (s.kind === 'ids') return s;
  return { kind: 'ids', ids: new Set(filterIds.filter((id) => !s.except.has(id))) };
}

/** What exportStart is sent: the filter (with its exceptions) rather than its ids. */
export function toExportSelection(s: Selection): ExportSelection {
  if (s.kind === 'ids') return { kind: 'ids', userIds: [...s.ids] };
  return s.except.size ? { kind: 'filter', filter: s.filter, except: [...s.except] } : { kind: 'filter', filter: s.filter };
}

/** Two filters asking for the same employees (key order does not matter; scopes come from different places). */
export function sameFilter(a: EmployeeFilter, b: EmployeeFilter): boolean {
  return a === b || stableJson(a) === stableJson(b);
}

function stableJson(v: unknown): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v);
  const entries = Object.entries(v as Record<string, unknown>)
    .filter(([, x]) => x !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : 1));
  return `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${stableJson(x)}`).join(',')}}`;
}
