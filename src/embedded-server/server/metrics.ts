// Server counters, named as the Go server publishes them with expvar.
import { MessageType, type MessageTypeName, typeName } from '../message';

export type ServerMetrics = {
  ActiveConns: number;
  TotalConns: number;
  MsgsRead: number;
  MsgsWrite: number;
  Msgs: number;
  SlowProcessMsg: number;
  RecoveredPanics: number;
  /** Not in Go: connections closed for a protocol error, a limit or a slow consumer. */
  ClosedForErrors: number;
  /** Not in Go: results that arrived for a connection that was gone. */
  OrphanResults: number;
  /**
   * Not in Go: calls whose timeout passed without a result reaching the server (nobody served the URI,
   * the callee found the call expired, or its result expired): what the client sees as an expired call.
   */
  CallsTimedOut: number;
  /** Not in Go: requests read and not yet answered, all connections (a gauge; bounded by the read-queue limits). */
  QueuedRequests: number;
  /** Not in Go: times a connection's reading was paused because its unanswered requests passed a read-queue limit. */
  ReadPauses: number;
} & { [K in `Msgs${MessageTypeName}`]: number };

export function newServerMetrics(): ServerMetrics {
  const m = {
    ActiveConns: 0,
    TotalConns: 0,
    MsgsRead: 0,
    MsgsWrite: 0,
    Msgs: 0,
    SlowProcessMsg: 0,
    RecoveredPanics: 0,
    ClosedForErrors: 0,
    OrphanResults: 0,
    CallsTimedOut: 0,
    QueuedRequests: 0,
    ReadPauses: 0,
  } as ServerMetrics;
  for (const name of Object.keys(MessageType) as MessageTypeName[]) m[`Msgs${name}`] = 0;
  return m;
}

export function countMsg(m: ServerMetrics, type: number): void {
  m.Msgs++;
  const name = typeName(type);
  if (name) m[`Msgs${name}`]++;
}
