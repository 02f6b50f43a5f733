export {
  AppError,
  isAppError,
  toAppError,
  unwrap,
  type CommandResult,
  type ErrorCode,
} from "./errors";
export { onSessionError, reportSessionError, type SessionErrorCode } from "./session-events";
export { createQueryClient } from "./query-client";
export { useBackendEvent } from "./events";
