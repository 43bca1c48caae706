// Employee pages as a page cache: the list asks only for the pages its visible rows fall in.
import { keepPreviousData, useQueries, useQuery, type QueryClient } from '@tanstack/react-query';
import type { EmployeeFilter, EmployeePage, EmployeeRow } from '../../../shared/model';
import { api, unwrap } from './api';
import { PAGE_SIZE, queryKeys, staleTimes } from './queryKeys';
import { pagesFor } from './selection';
import { exportCurrentOptions } from './exportState';

/** What the workspace shows when it opens: everyone current, photo or not. */
export const DEFAULT_FILTER: EmployeeFilter = { scope: { kind: 'all' }, search: '', photo: 'all', includeResigned: false };

export function departmentsOptions() {
  return { queryKey: queryKeys.departments, queryFn: () => unwrap(api.departments()), staleTime: staleTimes.directory };
}

export function groupsOptions() {
  return { queryKey: queryKeys.groups, queryFn: () => unwrap(api.groups()), staleTime: staleTimes.directory };
}

/**
 * Starts the workspace's first reads as soon as the app knows it is signed in, so they run while
 * the workspace renders instead of after: the first rows can then appear in its first paint.
 * Resolves (never rejects) once the list's first page has settled.
 */
export function prefetchWorkspace(qc: QueryClient): Promise<void> {
  const firstPage = qc.prefetchQuery(employeePageOptions(DEFAULT_FILTER, 0));
  void qc.prefetchQuery(departmentsOptions());
  void qc.prefetchQuery(groupsOptions());
  // Answered before the workspace mounts, the export state does not re-render the whole workspace just after.
  void qc.prefetchQuery(exportCurrentOptions());
  return firstPage;
}

/** How often a page is asked again while main is still reading a large directory. */
const DIRECTORY_LOADING_POLL_MS = 800;

type PageQuery = { state: { data: EmployeePage | undefined } };
const readingDirectory = (q: PageQuery): boolean => !!(q.state.data?.loading || q.state.data?.remembered?.refreshing);

export function employeePageOptions(filter: EmployeeFilter, page: number) {
  return {
    queryKey: queryKeys.employeePage(filter, page),
    queryFn: () => unwrap(api.employees({ filter, offset: page * PAGE_SIZE, limit: PAGE_SIZE })),
    // A partial page (the directory still being read), or one of the remembered directory while it is read again,
    // is asked again until complete. Fresh for one poll, so the page read just before the workspace mounted (startup.ts)
    // is not read again by the mount itself.
    staleTime: (q: PageQuery) => (readingDirectory(q) ? DIRECTORY_LOADING_POLL_MS : staleTimes.employeePage),
    refetchInterval: (q: PageQuery) => (readingDirectory(q) ? DIRECTORY_LOADING_POLL_MS : false),
  };
}

/** The first page: total and coverage for the current filter. Keeps the old numbers while a new filter loads. */
export function useFirstPage(filter: EmployeeFilter) {
  return useQuery({ ...employeePageOptions(filter, 0), placeholderData: keepPreviousData });
}

export interface RowSource {
  total: number;
  rowAt: (index: number) => EmployeeRow | undefined;
}

/** Rows for the visible index range; rows of pages still loading come back undefined (shown as placeholders). */
export function useVisibleRows(filter: EmployeeFilter, first: EmployeePage | undefined, from: number, to: number): RowSource {
  const total = first?.total ?? 0;
  const pages = total > 0 ? pagesFor(Math.max(0, from), Math.min(to, total - 1), PAGE_SIZE).filter((p) => p > 0) : [];
  const results = useQueries({ queries: pages.map((p) => employeePageOptions(filter, p)) });
  const byPage = new Map<number, EmployeePage>();
  if (first) byPage.set(0, first);
  pages.forEach((p, i) => {
    const d = results[i]?.data;
    if (d) byPage.set(p, d);
  });
  return {
    total,
    rowAt: (index) => byPage.get(Math.floor(index / PAGE_SIZE))?.rows[index % PAGE_SIZE],
  };
}
