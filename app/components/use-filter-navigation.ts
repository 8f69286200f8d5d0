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
