// Turns the engine's hooks into trace events: the server's frames and connection states, the broker's
// redis operations, callee runs, a client's frames, sync peers' changes. Each adapter checks
// `bus.enabled` before building anything, so a disabled trace costs one property read per hook.

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

/** The frame fields the bus needs, from a head read off the text. */
function frameFromHead(
  bus: TraceBus,
  side: Side,
  connId: string,
  dir: 'in' | 'out',
  text: string,
  known: { type?: number; uuid?: string; message?: Message },
): void {
  const size = Buffer.byteLength(text);
  let kept = text;
  let truncated = false;
  if (text.length > bus.textLimit) {
    kept = bus.cutText(text);
    truncated = true;
  }
  let type = known.type;
  let uuid = known.uuid;
  let forUUID: string | undefined;
  let uri: string | undefined;
  let channel: string | undefined;
  const m = known.message;
  if (m) {
    type = m.meta.type;
    uuid = m.meta.uuid;
    const p = m.payload as { for?: string; uri?: string; channel?: string };
    forUUID = p.for;
    uri = p.uri;
    channel = p.channel;
  } else {
    // read the head off the kept text: strings sliced from a cut-off original would keep it alive
    let h: FrameHead | undefined = readFrameHead(kept);
    if (!h && truncated) h = readFrameHead(text);
    if (h) {
      type ??= h.type;
      uuid ??= h.uuid;
      forUUID = h.for;
      uri = h.uri;
      channel = h.channel;
    }
  }
  const name = type === undefined ? undefined : typeName(type);
  const isRequest = type === MessageType.CALL || type === MessageType.PUB || type === MessageType.SUB || type === MessageType.UNSB;
  bus.record({
    kind: 'frame',
    proto: 'juggler',
    side,
    connId,
    dir,
    type: name,
    uuid,
    uri: uri || undefined,
    channel: channel || undefined,
    corr: isRequest ? uuid : forUUID,
    size,
    text: kept,
    truncated: truncated || undefined,
    error:
      name === undefined ? (dir === 'in' && side === 'server' ? 'refused: not a juggler.0 request' : 'not a juggler.0 frame') : undefined,
  });
}

/** Server hooks that trace every frame and connection state; `next` hooks still run (after). */
export function serverHooks(bus: TraceBus, next: ServerHooks = {}): ServerHooks {
  return {
    onFrame: (ev) => {
      if (bus.enabled) frameFromHead(bus, 'server', ev.connId, ev.direction, ev.text, { type: ev.type, uuid: ev.uuid });
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
    if (bus.enabled)
      bus.record({
        kind: 'redis',
        role,
        command: op.command,
        key: op.key,
        size: op.bytes,
        durationMs: op.durationMs,
        corr: op.msgUUID,
        error: op.error,
      });
    next?.(op);
  };
}

/** A callee `onInvocation` recording each run (placed in chains where it ran, see CalleeTrace.startedT). */
export function calleeOnInvocation(bus: TraceBus, calleeId: string, next?: (inv: Invocation) => void): (inv: Invocation) => void {
  return (inv) => {
    if (bus.enabled)
      bus.record({
        kind: 'callee',
        calleeId,
        uri: inv.uri,
        durationMs: inv.durationMs,
        outcome: inv.outcome,
        error: inv.error,
        corr: inv.msgUUID,
        startedT: bus.toT(inv.startedAt),
      });
    next?.(inv);
  };
}

/** Traces a client's frames and connection changes as `connId`; returns the function that stops it. */
export function clientFrames(bus: TraceBus, client: JugglerClient, connId: string): () => void {
  const offs = [
    client.on('frame', (f) => {
      if (!bus.enabled) return;
      frameFromHead(bus, 'client', connId, f.direction, f.text, f.message ? { message: f.message } : {});
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
 * Traces a sync peer's data changes (seed: local and remote data; 0.6/0.7 client and server: the
 * state), or one replica's as `replica` (default 'state'). Returns the function that stops it.
 */
export function syncChanges(bus: TraceBus, peer: SyncSource, peerId: string, replica: 'local' | 'remote' | 'state' = 'state'): () => void {
  const record = (which: 'local' | 'remote' | 'state') => (e: ChangeEvent) => {
    if (!bus.enabled) return;
    bus.record({ kind: 'sync', peerId, replica: which, revision: e.revision, patch: e.patch, size: JSON.stringify(e.patch).length });
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
