import { MutationCache, QueryCache, QueryClient } from "@tanstack/react-query";
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
