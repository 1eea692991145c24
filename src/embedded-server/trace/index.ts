// The trace bus and what feeds it (../../shared/trace/events.ts has the event types).
export { brokerOnOp, calleeOnInvocation, clientFrames, serverHooks, syncChanges } from './adapters';
export { buildChain, DEFAULT_CALL_TIMEOUT_MS, label } from './chain';
export { TraceError, type TraceErrorCode } from './errors';
export { EventRing } from './event-ring';
export { type FrameHead, readFrameHead, resIsError } from './frame-head';
export {
  exportSession,
  exportText,
  exportToFile,
  type ImportedSession,
  importSession,
  SESSION_FORMAT,
  SESSION_VERSION,
  type SessionHeader,
  SessionReader,
  type SessionSource,
} from './session-file';
export type { SpillOptions } from './spill-writer';
export type { BatchListener, SubscribeOptions } from './subscription';
export { DEFAULT_CAPACITY, DEFAULT_TEXT_LIMIT, type EventQuery, TraceBus, type TraceBusOptions } from './trace-bus';
