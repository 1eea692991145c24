// A real juggler stack for tests: broker on a real redis, server on a free port, demo callee.
import WebSocket from 'ws';
import { RedisBroker } from '../src/embedded-server/broker/redis/broker';
import type { RedisBrokerOptions } from '../src/embedded-server/broker/redis/options';
import { Callee, type Invocation, type Thunk } from '../src/embedded-server/callee/callee';
import { demoHandlers } from '../src/embedded-server/callee/demo';
import type { Handler } from '../src/embedded-server/server/handler';
import type { ServerOptions } from '../src/embedded-server/server/options';
import { JugglerServer, type ServerHooks } from '../src/embedded-server/server/server';

export interface Stack {
  url: string;
  server: JugglerServer;
  broker: RedisBroker;
  callee: Callee | undefined;
  calleeBroker: RedisBroker | undefined;
  close(): Promise<void>;
}

export async function startStack(o: {
  redis: RedisBrokerOptions;
  server?: ServerOptions;
  handlers?: Handler[];
  callee?: false | Record<string, Thunk>;
  workers?: number;
  /** Server hooks (tracing). */
  hooks?: ServerHooks;
  /** Options of the server's broker only, over `redis` (e.g. its onOp). */
  serverRedis?: RedisBrokerOptions;
  /** Options of the callee's broker only, over `redis`. */
  calleeRedis?: RedisBrokerOptions;
  onInvocation?: (inv: Invocation) => void;
}): Promise<Stack> {
  const broker = await RedisBroker.connect({ ...o.redis, ...o.serverRedis, clientName: 'server' });
  const server = new JugglerServer({ broker, options: o.server, handlers: o.handlers, hooks: o.hooks });
  const url = await server.listen({ port: 0 });
  let callee: Callee | undefined;
  let calleeBroker: RedisBroker | undefined;
  if (o.callee !== false) {
    calleeBroker = await RedisBroker.connect({ ...o.redis, ...o.calleeRedis, clientName: 'callee' });
    callee = new Callee({
      broker: calleeBroker,
      handlers: o.callee ?? demoHandlers,
      workers: o.workers ?? 10,
      onInvocation: o.onInvocation,
    });
    callee.start();
  }
  return {
    url,
    server,
    broker,
    callee,
    calleeBroker,
    async close() {
      await server.close();
      await callee?.stop();
      await calleeBroker?.close();
      await broker.close();
    },
  };
}

// biome-ignore lint/suspicious/noExplicitAny: tests read frames field by field, whatever their shape
export type WireFrame = Record<string, any>;

/** A raw juggler.0 websocket peer that records every frame, for wire-level tests. */
export class RawPeer {
  readonly frames: { dir: 'in' | 'out'; text: string; msg?: WireFrame }[] = [];
  closed: Promise<{ code: number; reason: string }>;
  private inbox: WireFrame[] = [];
  private waiters: { pred: (m: WireFrame) => boolean; resolve: (m: WireFrame) => void }[] = [];

  private constructor(readonly ws: WebSocket) {
    this.closed = new Promise((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
    ws.on('message', (data) => {
      const text = data.toString();
      let msg: WireFrame | undefined;
      try {
        msg = JSON.parse(text);
      } catch {
        msg = undefined;
      }
      this.frames.push({ dir: 'in', text, msg });
      if (!msg) return;
      const w = this.waiters.find((x) => x.pred(msg));
      if (w) {
        this.waiters.splice(this.waiters.indexOf(w), 1);
        w.resolve(msg);
      } else {
        this.inbox.push(msg);
      }
    });
  }

  static connect(url: string, protocols: string[] = ['juggler.0'], headers: Record<string, string> = {}): Promise<RawPeer> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, protocols, { headers });
      ws.once('open', () => resolve(new RawPeer(ws)));
      ws.once('error', reject);
      ws.once('unexpected-response', (_req, res) => {
        let body = '';
        res.on('data', (c: Buffer) => {
          body += c.toString();
        });
        res.on('end', () => reject(Object.assign(new Error(`HTTP ${res.statusCode}: ${body.trim()}`), { status: res.statusCode, body })));
      });
    });
  }

  send(frame: string | object, binary = false): void {
    const text = typeof frame === 'string' ? frame : JSON.stringify(frame);
    this.frames.push({ dir: 'out', text });
    this.ws.send(binary ? Buffer.from(text) : text, { binary });
  }

  /** The next received frame matching `pred` (including ones already received and not yet taken). */
  next(pred: (m: WireFrame) => boolean = () => true, timeoutMs = 3000): Promise<WireFrame> {
    const i = this.inbox.findIndex(pred);
    if (i >= 0) return Promise.resolve(this.inbox.splice(i, 1)[0]!);
    return new Promise((resolve, reject) => {
      const t = setTimeout(
        () =>
          reject(new Error(`no matching frame within ${timeoutMs} ms; got: ${this.frames.map((f) => `${f.dir} ${f.text}`).join('\n')}`)),
        timeoutMs,
      );
      this.waiters.push({
        pred,
        resolve: (m) => {
          clearTimeout(t);
          resolve(m);
        },
      });
    });
  }

  forType(type: number, forUUID?: string, timeoutMs?: number): Promise<WireFrame> {
    return this.next((m) => m.meta?.type === type && (forUUID === undefined || m.payload?.for === forUUID), timeoutMs);
  }

  close(): void {
    this.ws.close();
  }
}
