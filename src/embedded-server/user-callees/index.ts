export type { Diagnostic, HandlerLanguage } from './compile';
export { HandlerError, HandlerKilledError, type KillReason, UserCalleeError, type UserCalleeErrorCode } from './errors';
export { DEFAULT_ALLOWED_MODULES, DEFAULT_LIMITS, type UserCalleeLimits } from './limits';
export {
  type HandlerInfo,
  type HandlerMetrics,
  type SaveResult,
  type UserCalleeInvocation,
  type UserCalleeLog,
  UserCallees,
  type UserCalleesOptions,
} from './user-callees';
