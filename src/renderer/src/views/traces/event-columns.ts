// What each column of the live log shows for each kind of trace event, and the tone (colour) of a
// row. Filters match on the same values, so what the user sees is what the filter tests.
import type { TraceEvent } from '../../../../shared/trace/events';

/** The Type column: a frame's message type, a redis command, a callee outcome, a connection state... */
export function typeOf(e: TraceEvent): string {
  switch (e.kind) {
    case 'frame':
      return e.type ?? (e.error ? 'bad frame' : 'frame');
    case 'redis':
      return e.command;
    case 'callee':
      return `run ${e.outcome}`;
    case 'sync':
      return `patch ${e.replica}`;
    case 'conn':
      return e.state;
    case 'log':
      return e.level;
  }
}

/** The Connection column: who saw or sent it. */
export function peerOf(e: TraceEvent): string {
  switch (e.kind) {
    case 'frame':
    case 'conn':
      return `${e.side} ${e.connId}`;
    case 'redis':
      // a command seen by the redis watch: the client that sent it (address and name)
      return e.role === 'watch' && e.client ? `watch ${e.client}` : e.role;
    case 'callee':
      return `callee ${e.calleeId}`;
    case 'sync':
      return e.peerId;
    case 'log':
      return e.source;
  }
}

/** The Direction column: in/out for frames, nothing else has one. */
export function dirOf(e: TraceEvent): string {
  if (e.kind !== 'frame') return '';
  return e.dir === 'in' ? '← in' : '→ out';
}

/** The URI / channel / key column (a log line's message: it has no other place). */
export function targetOf(e: TraceEvent): string {
  switch (e.kind) {
    case 'frame':
      return e.uri ?? e.channel ?? '';
    case 'redis':
      return e.key;
    case 'callee':
      return e.uri;
    case 'sync':
      return `revision ${e.revision}`;
    case 'conn':
      return e.state === 'closed' ? `${e.code ?? ''} ${e.reason ?? ''}`.trim() : (e.remote ?? '');
    case 'log':
      return e.message;
  }
}

export function sizeOf(e: TraceEvent): number | undefined {
  return e.kind === 'frame' || e.kind === 'redis' || e.kind === 'sync' ? e.size : undefined;
}

/** An event's own duration (redis op, callee run); a RES gets its latency from the CALL (see trace-view.ts). */
export function durationOf(e: TraceEvent): number | undefined {
  return e.kind === 'redis' || e.kind === 'callee' ? e.durationMs : undefined;
}

export type Tone = 'ok' | 'warn' | 'err' | 'plain';

const errorArgs = /"args"\s*:\s*\{\s*"error"\s*:/;

/** The colour of a row beyond its kind: failures red, expiries and odd closes amber, results green. */
export function toneOf(e: TraceEvent): Tone {
  switch (e.kind) {
    case 'frame':
      if (e.error || e.type === 'NACK') return 'err';
      if (e.type === 'RES') return errorArgs.test(e.text) ? 'err' : 'ok';
      return 'plain';
    case 'redis':
      return e.error ? 'err' : 'plain';
    case 'callee':
      return e.outcome === 'ok' ? 'ok' : e.outcome === 'expired' ? 'warn' : 'err';
    case 'conn':
      return e.state === 'closed' && e.code !== undefined && e.code !== 1000 && e.code !== 1005 ? 'warn' : 'plain';
    case 'log':
      return e.level === 'error' ? 'err' : e.level === 'warn' ? 'warn' : 'plain';
    default:
      return 'plain';
  }
}

/**
 * The payload text a search looks at: a frame's text, a redis key, a callee's error, a patch, a log
 * line. A sync patch is serialised on demand (sync events are rare next to frames).
 */
export function payloadOf(e: TraceEvent): string {
  switch (e.kind) {
    case 'frame':
      return e.error ? `${e.text}\n${e.error}` : e.text;
    case 'redis':
      return e.error ? `${e.key}\n${e.error}` : e.key;
    case 'callee':
      return e.error ?? '';
    case 'sync':
      return JSON.stringify(e.patch);
    case 'conn':
      return `${e.reason ?? ''} ${e.remote ?? ''}`;
    case 'log':
      return e.message;
  }
}

/** The event as the detail pane shows it: a frame's text parsed when it is JSON. */
export function displayOf(e: TraceEvent): unknown {
  // seq and times first, where the eye looks for them
  const shown = Object.assign({ seq: e.seq, t: e.t, wall: e.wall }, e);
  if (e.kind !== 'frame' || e.truncated) return shown;
  try {
    return { ...shown, text: JSON.parse(e.text) as unknown };
  } catch {
    return shown;
  }
}
