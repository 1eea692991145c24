// Where each field of each kind of trace event goes in the columns of a trace batch (the `trace`
// bridge event, trace-batch.ts) and of the renderer's event chunks: strings that repeat (connection
// ids, URIs, commands) as ids of a string table ("sym"), strings that do not (frame texts, uuids,
// redis keys) as texts ("text"), numbers in a number column ("num"), the one boolean in the flags, a
// sync patch as its JSON text ("json"). The one table, per kind, that the host's encoder, the
// renderer's decoder and its chunks read. The fields are listed in the order the host writes them,
// which is the order the detail pane shows them in. Shared by the host and the renderer: no node:*,
// no DOM.
import { TRACE_KINDS, type TraceKind } from './events';

export type FieldStore = 'sym' | 'text' | 'num' | 'flag' | 'json';

export interface FieldSpec {
  name: string;
  store: FieldStore;
  /** Column slot within its store (text and json share the text slots). */
  slot: number;
  optional: boolean;
}

export const SYM_SLOTS = 8;
export const TEXT_SLOTS = 4;
export const NUM_SLOTS = 2;
/** Every kind keeps `corr` in text slot 0, so that a request's events are found the same way. */
export const CORR_SLOT = 0;

export const kindNames: readonly TraceKind[] = TRACE_KINDS;
export const KIND_FRAME = 0;
export const KIND_REDIS = 1;
export const KIND_CALLEE = 2;
export const KIND_SYNC = 3;
export const KIND_CONN = 4;
export const KIND_LOG = 5;

const f = (name: string, store: FieldStore, slot: number, optional = false): FieldSpec => ({ name, store, slot, optional });
const corr = f('corr', 'text', CORR_SLOT, true);

/** Fields by kind code (the index in kindNames), besides seq, t, wall and kind. */
export const kindFields: readonly (readonly FieldSpec[])[] = [
  // frame
  [
    f('proto', 'sym', 0),
    f('side', 'sym', 1),
    f('connId', 'sym', 2),
    f('dir', 'sym', 3),
    f('type', 'sym', 4, true),
    f('uuid', 'text', 1, true),
    f('uri', 'sym', 5, true),
    f('channel', 'sym', 6, true),
    corr,
    f('size', 'num', 0),
    f('text', 'text', 2),
    f('truncated', 'flag', 0, true),
    f('error', 'text', 3, true),
    // proxy frames: which proxy (its upstream URL)
    f('source', 'sym', 7, true),
  ],
  // redis
  [
    f('role', 'sym', 0),
    f('command', 'sym', 1),
    f('key', 'text', 1),
    f('size', 'num', 0),
    f('durationMs', 'num', 1),
    corr,
    f('error', 'text', 2, true),
  ],
  // callee
  [
    f('calleeId', 'sym', 0),
    f('uri', 'sym', 1),
    f('durationMs', 'num', 0),
    f('outcome', 'sym', 2),
    corr,
    f('error', 'text', 1, true),
    f('startedT', 'num', 1, true),
  ],
  // sync
  [f('peerId', 'sym', 0), f('replica', 'sym', 1), f('revision', 'num', 0), f('patch', 'json', 1), f('size', 'num', 1), corr],
  // conn
  [
    f('proto', 'sym', 0),
    f('side', 'sym', 1),
    f('connId', 'sym', 2),
    f('state', 'sym', 3),
    f('code', 'num', 0, true),
    f('reason', 'text', 1, true),
    f('remote', 'text', 2, true),
    corr,
    f('source', 'sym', 4, true),
  ],
  // log
  [f('level', 'sym', 0), f('source', 'sym', 1), f('message', 'text', 1), corr],
];

/** The kind's code, or -1 for a kind this build does not know. */
export function kindCode(kind: unknown): number {
  switch (kind) {
    case 'frame':
      return KIND_FRAME;
    case 'redis':
      return KIND_REDIS;
    case 'callee':
      return KIND_CALLEE;
    case 'sync':
      return KIND_SYNC;
    case 'conn':
      return KIND_CONN;
    case 'log':
      return KIND_LOG;
    default:
      return -1;
  }
}
