export type { Diagnostic, HandlerLanguage } from './compile';
export { HandlerError, HandlerKilledError, type KillReason, PlaygroundError, type PlaygroundErrorCode } from './errors';
export { DEFAULT_ALLOWED_MODULES, DEFAULT_LIMITS, type PlaygroundLimits } from './limits';
export {
  type HandlerInfo,
  type HandlerMetrics,
  Playground,
  type PlaygroundInvocation,
  type PlaygroundLog,
  type PlaygroundOptions,
  type SaveResult,
} from './playground';
