import { MutationCache, QueryCache, QueryClient, type InfiniteData } from "@tanstack/react-query";
import { isAppError } from "./errors";
import { reportSessionError } from "./session-events";

function handleError(error: unknown) {
  if (isAppError(error)) reportSessionError(error.code);
}

/**
 * One QueryClient per window. Any query or mutation answered with `Unauthenticated` or `Locked`
 * is reported globally so the app can show the login or lock screen.
 */
export function createQueryClient(): QueryClient {
  return new QueryClient({
    queryCache: new QueryCache({ onError: handleError }),
    mutationCache: new MutationCache({ onError: handleError }),
    defaultOptions: {
      queries: {
        // Local IPC is cheap but the data only changes through our own commands and events.
        staleTime: 30_000,
        refetchOnWindowFocus: false,
        retry: false,
      },
      mutations: { retry: false },
    },
  });
}

/**
 * An item with this id from any loaded page of the infinite lists under `listKey`, so a detail
 * view opens without a round trip.
 */
export function findInLoadedPages<Page, Item extends { id: string }>(
  client: QueryClient,
  listKey: readonly unknown[],
  itemsOf: (page: Page) => Item[],
  id: string,
): Item | undefined {
  for (const [, data] of client.getQueriesData<InfiniteData<Page>>({ queryKey: listKey })) {
    for (const page of data?.pages ?? []) {
      const found = itemsOf(page).find((item) => item.id === id);
      if (found) return found;
    }
  }
  return undefined;
}
