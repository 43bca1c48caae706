// The list selection: click, shift ranges (across pages not loaded yet), "select all in the current filter"
// (kept as the filter, not its ids), clear; and what the export dialog is given.
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useMutation, useQueryClient, type QueryClient } from '@tanstack/react-query';
import { App as AntApp } from 'antd';
import { useTranslation } from 'react-i18next';
import type { EmployeeFilter, EmployeePage } from '../../../shared/model';
import { api, errorInfo, unwrap } from '../lib/api';
import { errorMessage } from '../i18n';
import { PAGE_SIZE, queryKeys } from '../lib/queryKeys';
import { employeePageOptions } from '../lib/employees';
import {
  NO_SELECTION,
  applyRangeIn,
  isSelected,
  pagesFor,
  rangeBetween,
  resolveToIds,
  sameFilter,
  selectedCount,
  toggleIn,
  type Selection,
} from '../lib/selection';

/** How many selected employees the export dialog previews file names for. */
const SAMPLE_COUNT = 4;

export interface SelectionState {
  selection: Selection;
  count: number;
  /** For the list: is this row ticked. */
  selected: { has: (userId: string) => boolean };
  /** A row's checkbox (or Space); shift extends from the last toggled row of the same filter. */
  onToggle: (index: number, userId: string, shift: boolean) => void;
  selectAll: () => void;
  selectAllPending: boolean;
  clear: () => void;
  /** The first few selected ids, for the export dialog's file-name preview. */
  sampleIds: string[];
}

/** Ids of the rows `a..b` (inclusive) of a filter, fetching (cached) the pages not loaded yet. */
async function idsInRange(qc: QueryClient, filter: EmployeeFilter, a: number, b: number): Promise<string[]> {
  const pages = await Promise.all(pagesFor(a, b, PAGE_SIZE).map((p) => qc.ensureQueryData(employeePageOptions(filter, p))));
  const ids: string[] = [];
  for (const page of pages)
    page.rows.forEach((r, i) => {
      const at = page.offset + i;
      if (at >= a && at <= b) ids.push(r.userId);
    });
  return ids;
}

/** Every id in this filter's pages already in the cache (what the admin could have ticked by hand). */
function cachedIds(qc: QueryClient, filter: EmployeeFilter): Set<string> {
  const ids = new Set<string>();
  for (const [key, page] of qc.getQueriesData<EmployeePage>({ queryKey: queryKeys.employeePages }))
    if (page && sameFilter(key[2] as EmployeeFilter, filter)) for (const r of page.rows) ids.add(r.userId);
  return ids;
}

/** "All in filter" can stand alone only if nothing outside the filter is selected already. */
function coveredByFilter(qc: QueryClient, s: Selection, filter: EmployeeFilter): boolean {
  if (s.kind === 'filter') return sameFilter(s.filter, filter);
  if (s.ids.size === 0) return true;
  const known = cachedIds(qc, filter);
  for (const id of s.ids) if (!known.has(id)) return false;
  return true;
}

function sampleOf(qc: QueryClient, s: Selection): string[] {
  if (s.kind === 'ids') return [...s.ids].slice(0, SAMPLE_COUNT);
  const first = qc.getQueryData<EmployeePage>(queryKeys.employeePage(s.filter, 0));
  return (first?.rows ?? []).filter((r) => !s.except.has(r.userId)).slice(0, SAMPLE_COUNT).map((r) => r.userId);
}

/**
 * `filter` is the one on screen; `firstPage` its first page once loaded (not a placeholder of the previous
 * filter): its total is what "all in filter" counts.
 */
export function useSelection(filter: EmployeeFilter, firstPage: EmployeePage | undefined): SelectionState {
  const qc = useQueryClient();
  const [selection, setSelection] = useState<Selection>(NO_SELECTION);
  const anchor = useRef<{ filter: EmployeeFilter; index: number } | null>(null);
  useResolveOtherFilter(selection, filter, setSelection);

  // Read through a ref so onToggle keeps one identity while the selection changes: every memoised row and tile
  // gets it, and a new function per click would redraw all of them.
  const selectionRef = useRef(selection);
  useEffect(() => {
    selectionRef.current = selection;
  }, [selection]);

  const onToggle = useCallback(
    (index: number, userId: string, shift: boolean) => {
      const from = anchor.current?.filter === filter ? anchor.current.index : null;
      if (shift && from != null && from !== index) {
        const [a, b] = rangeBetween(from, index);
        const select = !isSelected(selectionRef.current, userId);
        idsInRange(qc, filter, a, b).then(
          (ids) => setSelection((s) => applyRangeIn(s, ids, select)),
          () => undefined,
        );
      } else {
        setSelection((s) => toggleIn(s, userId));
      }
      anchor.current = { filter, index };
    },
    [qc, filter],
  );

  const selectAllIds = useSelectAllIds(filter, setSelection);
  const total = firstPage?.total;
  const selectAll = useCallback(() => {
    if (total !== undefined && coveredByFilter(qc, selectionRef.current, filter)) {
      setSelection({ kind: 'filter', filter, total, except: new Set() });
    } else selectAllIds.mutate();
  }, [qc, filter, total, selectAllIds]);

  const onScreen = selection.kind === 'ids' || sameFilter(selection.filter, filter);
  const selected = useMemo(() => ({ has: (id: string) => onScreen && isSelected(selection, id) }), [selection, onScreen]);
  const liveTotal = selection.kind === 'filter' && onScreen ? total : undefined;
  return {
    selection,
    count: selectedCount(selection, liveTotal),
    selected,
    onToggle,
    selectAll,
    selectAllPending: selectAllIds.isPending,
    clear: useCallback(() => setSelection(NO_SELECTION), []),
    sampleIds: useMemo(() => sampleOf(qc, selection), [qc, selection]),
  };
}

/**
 * "All in filter" on top of ids from elsewhere: their union, so the filter's ids are fetched (as before). A
 * filter selection still being turned into ids (the admin just left its filter) is left as it is.
 */
function useSelectAllIds(filter: EmployeeFilter, setSelection: (f: (s: Selection) => Selection) => void) {
  const { t } = useTranslation();
  const { message } = AntApp.useApp();
  return useMutation({
    mutationFn: () => unwrap(api.employeeIds({ filter })),
    onSuccess: (ids) => setSelection((s) => (s.kind === 'ids' ? applyRangeIn(s, ids, true) : s)),
    onError: (e) => void message.error(errorMessage(t, errorInfo(e))),
  });
}

/**
 * A filter selection belongs to its filter: once the admin browses another one, it becomes the ids it stood
 * for, so rows of the new filter show (and edit) the right state.
 */
function useResolveOtherFilter(selection: Selection, filter: EmployeeFilter, setSelection: (f: (s: Selection) => Selection) => void) {
  const { t } = useTranslation();
  const { message } = AntApp.useApp();
  useEffect(() => {
    if (selection.kind !== 'filter' || sameFilter(selection.filter, filter)) return;
    let live = true;
    unwrap(api.employeeIds({ filter: selection.filter })).then(
      (ids) => live && setSelection((s) => (s === selection ? resolveToIds(s, ids) : s)),
      (e: unknown) => live && void message.error(errorMessage(t, errorInfo(e))),
    );
    return () => {
      live = false;
    };
  }, [selection, filter, setSelection, message, t]);
}
