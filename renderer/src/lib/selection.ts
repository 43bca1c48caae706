// Selection rules for the employee list, kept free of React so they can be tested alone.

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
