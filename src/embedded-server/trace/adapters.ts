// Turns the engine's hooks into trace events: the server's frames and connection states, the broker's
// redis operations, callee runs, a client's frames, sync peers' changes. Each adapter checks
// `bus.enabled` before building anything, so a disabled trace costs one property read per hook. The hot
// kinds go through the bus's column writers (recordFrame, recordRedis, recordCallee): no event object.

import type { RedisTrace } from '../../shared/trace/events';
import type { RedisOp } from '../broker/redis/options';
import type { Invocation } from '../callee/callee';
import type { JugglerClient } from '../client/client';
import { type Message, MessageType, typeName } from '../message';
import type { ServerHooks } from '../server/server';
import { ClientPeer } from '../sync/client-peer';
import type { ChangeEvent, Replica } from '../sync/replica';
import { SeedPeer } from '../sync/seed-peer';
import type { ServerPeer } from '../sync/server-peer';
import { type FrameHead, readFrameHead } from './frame-head';
import type { TraceBus } from './trace-bus';

type Side = 'server' | 'client';

/** The frame fields the bus needs, read off a decoded (or just encoded) message: no second parse. */
function frameFromMessage(bus: TraceBus, side: Side, connId: string, dir: 'in' | 'out', text: string, m: Message, at?: number): void {
  const type = m.meta.type;
  const uuid = m.meta.uuid;
  const p = m.payload as { for?: string; uri?: string; channel?: string };
  bus.recordFrame(
    side,
    connId,
    dir,
    text,
    typeName(type),
    uuid,
    isRequest(type) ? uuid : p.for,
    p.uri || undefined,
    p.channel || undefined,
    at,
  );
}

/** The frame fields the bus needs, from a head read off the text (a frame that did not decode). */
function frameFromHead(
  bus: TraceBus,
  side: Side,
  connId: string,
  dir: 'in' | 'out',
  text: string,
  known: { type?: number; uuid?: string },
  at?: number,
): void {
  // read the head off the part the bus keeps: strings sliced from a cut-off original would keep it alive
  const kept = text.length > bus.textLimit ? bus.cutText(text) : text;
  const h: FrameHead | undefined = readFrameHead(kept) ?? (kept === text ? undefined : readFrameHead(text));
  const type = known.type ?? h?.type;
  const uuid = known.uuid ?? h?.uuid;
  const corr = type !== undefined && isRequest(type) ? uuid : h?.for;
  bus.recordFrame(
    side,
    connId,
    dir,
    text,
    type === undefined ? undefined : typeName(type),
    uuid,
    corr,
    h?.uri || undefined,
    h?.channel || undefined,
    at,
  );
}

function isRequest(type: number): boolean {
  return type === MessageType.CALL || type === MessageType.PUB || type === MessageType.SUB || type === MessageType.UNSB;
}

/** Server hooks that trace every frame and connection state; `next` hooks still run (after). */
export function serverHooks(bus: TraceBus, next: ServerHooks = {}): ServerHooks {
  return {
    onFrame: (ev) => {
      if (bus.enabled) {
        if (ev.message) frameFromMessage(bus, 'server', ev.connId, ev.direction, ev.text, ev.message, ev.at);
        else frameFromHead(bus, 'server', ev.connId, ev.direction, ev.text, { type: ev.type, uuid: ev.uuid }, ev.at);
      }
      next.onFrame?.(ev);
    },
    onConnState: (conn, state, info) => {
      if (bus.enabled)
        bus.record({
          kind: 'conn',
          proto: 'juggler',
          side: 'server',
          connId: conn.id,
          state: state === 'accepting' ? 'connecting' : state,
          code: info?.code,
          reason: info?.reason,
          remote: conn.remoteAddress,
        });
      next.onConnState?.(conn, state, info);
    },
    onError: (err) => {
      if (bus.enabled) bus.record({ kind: 'log', level: 'error', source: 'server', message: err.message });
      next.onError?.(err);
    },
  };
}

/** A broker `onOp` recording every redis operation as `role`. */
export function brokerOnOp(bus: TraceBus, role: RedisTrace['role'], next?: (op: RedisOp) => void): (op: RedisOp) => void {
  return (op) => {
    if (bus.enabled) bus.recordRedis(role, op.command, op.key, op.bytes, op.durationMs, op.msgUUID, op.error);
    next?.(op);
  };
}

/** A callee `onInvocation` recording each run (placed in chains where it ran, see CalleeTrace.startedT). */
export function calleeOnInvocation(bus: TraceBus, calleeId: string, next?: (inv: Invocation) => void): (inv: Invocation) => void {
  return (inv) => {
    if (bus.enabled) bus.recordCallee(calleeId, inv.uri, inv.durationMs, inv.outcome, inv.error, inv.msgUUID, bus.toT(inv.startedAt));
    next?.(inv);
  };
}

/** Traces a client's frames and connection changes as `connId`; returns the function that stops it. */
export function clientFrames(bus: TraceBus, client: JugglerClient, connId: string): () => void {
  const offs = [
    client.on('frame', (f) => {
      if (!bus.enabled) return;
      // the client's `at` is wall-clock time: the bus stamps its own
      if (f.message) frameFromMessage(bus, 'client', connId, f.direction, f.text, f.message);
      else frameFromHead(bus, 'client', connId, f.direction, f.text, {});
    }),
    client.on('open', () => {
      if (bus.enabled) bus.record({ kind: 'conn', proto: 'juggler', side: 'client', connId, state: 'connected', remote: client.url });
    }),
    client.on('close', (info) => {
      if (bus.enabled)
        bus.record({
          kind: 'conn',
          proto: 'juggler',
          side: 'client',
          connId,
          state: 'closed',
          code: info.code,
          reason: info.reason,
          remote: client.url,
        });
    }),
  ];
  return () => {
    for (const off of offs) off();
  };
}

type SyncSource = SeedPeer | ClientPeer | ServerPeer | Replica;

/**
 * A sync patch as a trace event carries it, with its size as JSON text. A patch JSON.stringify cannot
 * serialize (nested past what the stack holds: peers refuse those since issue 11, but a local value is
 * not bounded) is traced empty with size -1 instead of throwing from inside the peer's event.
 */
export function tracedPatch(patch: readonly unknown[]): { patch: unknown[]; size: number } {
  try {
    return { patch: patch as unknown[], size: JSON.stringify(patch).length };
  } catch {
    return { patch: [], size: -1 };
  }
}

/**
 * Traces a sync peer's data changes (seed: local and remote data; 0.6/0.7 client and server: the
 * state), or one replica's as `replica` (default 'state'). Returns the function that stops it.
 */
export function syncChanges(bus: TraceBus, peer: SyncSource, peerId: string, replica: 'local' | 'remote' | 'state' = 'state'): () => void {
  const record = (which: 'local' | 'remote' | 'state') => (e: ChangeEvent) => {
    if (!bus.enabled) return;
    bus.record({ kind: 'sync', peerId, replica: which, revision: e.revision, ...tracedPatch(e.patch) });
  };
  if (peer instanceof SeedPeer) {
    const offs = [peer.on('localChange', record('local')), peer.on('remoteChange', record('remote'))];
    return () => {
      for (const off of offs) off();
    };
  }
  if (peer instanceof ClientPeer) return peer.on('change', record('state'));
  if ('state' in peer) return peer.state.on('change', record('state'));
  return peer.on('change', record(replica));
}
