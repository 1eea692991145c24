// Turns the engine's hooks into trace events: the server's frames and connection states, the broker's
// redis operations, callee runs, a client's frames, sync peers' changes. Each adapter checks
// `bus.enabled` before building anything, so a disabled trace costs one property read per hook. The hot
// kinds go through the bus's column writers (recordFrame, recordRedis, recordCallee): no event object.

import { jsonSize } from '../../shared/json-size';
import type { RedisTrace } from '../../shared/trace/events';
import type { RedisOp } from '../broker/redis/options';
import type { Invocation } from '../callee/callee';
import type { JugglerClient } from '../client/client';
import { type Message, MessageType, typeName } from '../message';
import type { ProxyHooks } from '../proxy/hooks';
import type { ServerHooks } from '../server/server';
import { ClientPeer } from '../sync/client-peer';
import type { ChangeEvent, Replica } from '../sync/replica';
import { SeedPeer } from '../sync/seed-peer';
import type { ServerPeer } from '../sync/server-peer';
import { type FrameHead, readFrameHead } from './frame-head';
import type { TraceBus } from './trace-bus';

type Side = 'server' | 'client' | 'proxy';

/** The frame fields the bus needs, read off a decoded (or just encoded) message: no second parse. */
function frameFromMessage(
  bus: TraceBus,
  side: Side,
  connId: string,
  dir: 'in' | 'out',
  text: string,
  m: Message,
  at?: number,
  source?: string,
): void {
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
    source,
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
  source?: string,
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
    source,
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

/**
 * Proxy hooks that trace every forwarded frame (side 'proxy', `source` naming the proxy) and connection
 * state; `next` hooks still run (after). A frame is read once, by the head scan (frame-head.ts): the
 * proxy forwards bytes and never needs the decoded message, and the head gives the same corr as a
 * server's decoded frame. A frame that is not juggler.0 is still forwarded, and traced with its error.
 */
export function proxyHooks(bus: TraceBus, source: string, next: ProxyHooks = {}): ProxyHooks {
  return {
    onFrame: (ev) => {
      if (bus.enabled) frameFromHead(bus, 'proxy', ev.connId, ev.direction, ev.text, {}, ev.at, source);
      next.onFrame?.(ev);
    },
    onConnState: (conn, state, info) => {
      if (bus.enabled)
        bus.record({
          kind: 'conn',
          proto: 'juggler',
          side: 'proxy',
          source,
          connId: conn.id,
          state,
          code: info?.code,
          reason: info?.refused ? `upgrade refused: ${info.reason}` : info?.reason,
          remote: conn.remote,
        });
      next.onConnState?.(conn, state, info);
    },
    onError: (err, connId) => {
      if (bus.enabled) bus.record({ kind: 'log', level: 'warn', source: `proxy ${source}`, message: err.message });
      next.onError?.(err, connId);
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
    // the client's own timeout ended the call: the one hop a client sees of an expiry (Go's EXP)
    client.on('exp', (c) => {
      if (bus.enabled)
        bus.record({
          kind: 'log',
          level: 'warn',
          source: `client ${connId}`,
          message: `call to ${c.uri} expired: no RES within its ${c.timeoutMs} ms timeout${c.acked ? '' : ' (not even an ACK)'}`,
          corr: c.uuid,
        });
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

/** Operations kept, without their values, of a patch too long for the trace. */
const OUTLINE_OPS = 50;

function outline(patch: readonly unknown[]): unknown[] {
  return patch.slice(0, OUTLINE_OPS).map((op) => {
    const o = (typeof op === 'object' && op !== null ? op : {}) as { op?: unknown; path?: unknown; from?: unknown };
    return {
      op: typeof o.op === 'string' ? o.op : '?',
      path: typeof o.path === 'string' ? o.path.slice(0, 200) : '?',
      ...(typeof o.from === 'string' ? { from: o.from.slice(0, 200) } : {}),
    };
  });
}

/**
 * A sync patch as the trace holds it: measured without JSON.stringify (a value nested thousands deep
 * would overflow the stack: peers refuse those since issue 11, but a local value is not bounded), and a
 * patch longer than the bus's text limit held as its first operations' op and path only, so that the
 * trace's 1,000,000 events cannot hold a 4 MB patch each (issue 11, item 6).
 */
export function tracedPatch(patch: readonly unknown[], textLimit: number): { patch: unknown[]; size: number; truncated?: true } {
  const size = jsonSize(patch);
  return size > textLimit ? { patch: outline(patch), size, truncated: true } : { patch: patch as unknown[], size };
}

/**
 * Traces a sync peer's data changes (seed: local and remote data; 0.6/0.7 client and server: the
 * state), or one replica's as `replica` (default 'state'). Returns the function that stops it.
 */
export function syncChanges(bus: TraceBus, peer: SyncSource, peerId: string, replica: 'local' | 'remote' | 'state' = 'state'): () => void {
  const record = (which: 'local' | 'remote' | 'state') => (e: ChangeEvent) => {
    if (!bus.enabled) return;
    bus.record({ kind: 'sync', peerId, replica: which, revision: e.revision, ...tracedPatch(e.patch, bus.textLimit) });
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
