export {
  AppError,
  isAppError,
  toAppError,
  unwrap,
  type CommandResult,
  type ErrorCode,
} from "./errors";
export { onSessionError, reportSessionError, type SessionErrorCode } from "./session-events";
export { createQueryClient, findInLoadedPages } from "./query-client";
export { useBackendEvent } from "./events";
