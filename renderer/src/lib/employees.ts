// Employee pages as a page cache: the list asks only for the pages its visible rows fall in.
import { keepPreviousData, useQueries, useQuery } from '@tanstack/react-query';
import type { EmployeeFilter, EmployeePage, EmployeeRow } from '../../../shared/model';
import { api, unwrap } from './api';
import { PAGE_SIZE, queryKeys, staleTimes } from './queryKeys';
import { pagesFor } from './selection';

export function employeePageOptions(filter: EmployeeFilter, page: number) {
  return {
    queryKey: queryKeys.employeePage(filter, page),
    queryFn: () => unwrap(api.employees({ filter, offset: page * PAGE_SIZE, limit: PAGE_SIZE })),
    staleTime: staleTimes.employeePage,
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
