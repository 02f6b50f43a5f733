import { useEffect, useRef } from "react";

/** A generated event (`events.xxx` in the bindings), as far as listening goes. */
type BackendEvent<T> = {
  listen: (callback: (event: { payload: T }) => void) => Promise<() => void>;
};

/**
 * Listens to a backend event while the component is mounted. Unlistening works even when the
 * component unmounts before `listen` has resolved; a failure to listen is logged, not thrown.
 */
export function useBackendEvent<T>(
  event: BackendEvent<T>,
  name: string,
  onEvent: (payload: T) => void,
) {
  const handler = useRef(onEvent);
  useEffect(() => {
    handler.current = onEvent;
  });
  useEffect(() => {
    let disposed = false;
    let unlisten: (() => void) | undefined;
    event
      .listen(({ payload }) => handler.current(payload))
      .then((stop) => {
        if (disposed) quietly(stop);
        else unlisten = stop;
      })
      .catch((error: unknown) => console.warn(`could not listen for ${name}`, error));
    return () => {
      disposed = true;
      if (unlisten) quietly(unlisten);
    };
  }, [event, name]);
}

/**
 * Stops listening. Tauri's unlisten is async underneath: when the window is going away (or a
 * test has torn its mocks down) it rejects, and there is nothing left to stop.
 */
function quietly(stop: () => void) {
  void Promise.resolve()
    .then(() => stop() as unknown)
    .catch(() => undefined);
}
