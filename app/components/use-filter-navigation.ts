import { useSearchParams } from "@remix-run/react";
import { useCallback } from "react";

/**
 * Changes a list page's filters in the URL: keeps every other query parameter (the admin's embedded,
 * host, …), drops the cursor (a new filter starts at the first page), removes emptied filters.
 */
export function useFilterNavigation(): (changes: Record<string, string | null>) => void {
  const [searchParams, setSearchParams] = useSearchParams();
  return useCallback(
    (changes) => {
      const next = new URLSearchParams(searchParams);
      for (const key of ["after", "before"]) next.delete(key);
      for (const [key, value] of Object.entries(changes)) {
        if (value === null || value === "") next.delete(key);
        else next.set(key, value);
      }
      setSearchParams(next, { preventScrollReset: true });
    },
    [searchParams, setSearchParams],
  );
}

/** IndexTable `pagination` of a cursor-paged list: Next and Previous keep the filters (`go` is the hook's). */
export function cursorPagination(
  pageInfo: { hasNext: boolean; hasPrevious: boolean; startCursor: string | null; endCursor: string | null },
  go: (changes: Record<string, string | null>) => void,
) {
  return {
    hasNext: pageInfo.hasNext,
    hasPrevious: pageInfo.hasPrevious,
    onNext: () => go({ after: pageInfo.endCursor }),
    onPrevious: () => go({ before: pageInfo.startCursor }),
  };
}
