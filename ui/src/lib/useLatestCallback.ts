import { useCallback, useLayoutEffect, useRef } from "react";

/**
 * A function that keeps its identity for the component's life and always calls the latest
 * `callback`: a memoised child given it does not render again just because its parent did.
 * (Call it from event handlers and effects, not while rendering.)
 */
export function useLatestCallback<Args extends unknown[], Result>(
  callback: (...args: Args) => Result,
): (...args: Args) => Result {
  const latest = useRef(callback);
  useLayoutEffect(() => {
    latest.current = callback;
  });
  return useCallback((...args: Args) => latest.current(...args), []);
}
