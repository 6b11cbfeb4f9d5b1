import { useCallback, useMemo } from 'react';
import { useSearchParams } from 'react-router';
import { filtersFromSearch, filtersToSearch, type ListFilters } from './model';

/**
 * The list's filters, kept in the URL query (shareable, back and forward work). The current query
 * string is returned too, so links to a conversation keep the filters.
 */
export function useListFilters(): [ListFilters, (next: ListFilters) => void, string] {
  const [params, setParams] = useSearchParams();
  const key = params.toString();
  const filters = useMemo(() => filtersFromSearch(new URLSearchParams(key)), [key]);
  const setFilters = useCallback((next: ListFilters) => setParams(filtersToSearch(next)), [setParams]);
  const search = filtersToSearch(filters).toString();
  return [filters, setFilters, search ? `?${search}` : ''];
}
