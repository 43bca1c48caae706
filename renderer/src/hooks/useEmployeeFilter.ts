// The browse filter: scope (department / group), search box, photo filter and "include resigned", as the
// EmployeeFilter sent to main and used in every employee query key.
import { useCallback, useEffect, useMemo, useState } from 'react';
import type { EmployeeFilter, Scope } from '../../../shared/model';
import { DEFAULT_FILTER } from '../lib/employees';

/** How long the search box waits after the last keystroke before it filters. */
export const SEARCH_DEBOUNCE_MS = 250;

export type PhotoFilter = EmployeeFilter['photo'];

export interface EmployeeFilterState {
  /** One object per distinct filter (memoised): it is part of the query keys. */
  filter: EmployeeFilter;
  searchText: string;
  setSearchText: (text: string) => void;
  /** Enter or the search button: filter now, without waiting for the debounce. */
  submitSearch: (text: string) => void;
  setScope: (scope: Scope) => void;
  setPhoto: (photo: PhotoFilter) => void;
  setIncludeResigned: (include: boolean) => void;
  /** Anything beyond the scope narrows the list (the empty state then offers to clear it). */
  narrowed: boolean;
  /** Back to everyone in the scope: no search, any photo, current employees only. */
  clear: () => void;
}

export function useEmployeeFilter(): EmployeeFilterState {
  const [scope, setScope] = useState<Scope>(DEFAULT_FILTER.scope);
  const [searchText, setSearchText] = useState('');
  const [search, setSearch] = useState(DEFAULT_FILTER.search);
  const [photo, setPhoto] = useState<PhotoFilter>(DEFAULT_FILTER.photo);
  const [includeResigned, setIncludeResigned] = useState(DEFAULT_FILTER.includeResigned);

  // The search box filters as you type, without a request per keystroke.
  useEffect(() => {
    const id = setTimeout(() => setSearch(searchText.trim()), SEARCH_DEBOUNCE_MS);
    return () => clearTimeout(id);
  }, [searchText]);

  const filter = useMemo<EmployeeFilter>(() => ({ scope, search, photo, includeResigned }), [scope, search, photo, includeResigned]);
  const submitSearch = useCallback((text: string) => setSearch(text.trim()), []);
  const clear = useCallback(() => {
    setSearchText('');
    setSearch('');
    setPhoto('all');
    setIncludeResigned(false);
  }, []);

  return {
    filter,
    searchText,
    setSearchText,
    submitSearch,
    setScope,
    setPhoto,
    setIncludeResigned,
    narrowed: search !== '' || photo !== 'all' || includeResigned,
    clear,
  };
}
