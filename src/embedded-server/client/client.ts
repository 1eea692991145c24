// The juggler.0 client: one websocket connection, requests routed to their callers by uuid, events and
// frames reported through a typed emitter. It imports no node:* module and no `ws`: the WebSocket
// constructor comes from the options (client/node.ts supplies ws), so it runs in browsers unchanged.

import { CloseCode } from '../../shared/close-code';
import { Emitter } from '../../shared/emitter';
import { ReadyState, type WebSocketLike } from '../../shared/websocket-like';
import {
  type Ack,
  argsValue,
  decodeResponse,
  type Evnt,
  encode,
  type Message,
  MessageType,
  type Nack,
  newCall,
  newPub,
  newSub,
  newUnsb,
  ProtocolError,
  type Request,
  type Res,
} from '../message';
import { backoffDelay } from './backoff';
import { ConnectError, ConnectionClosedError, NotConnectedError, ReconnectFailedError, SubprotocolError } from './errors';
import { type ClientOptions, type ResolvedClientOptions, resolveOptions, SERVER_DEFAULT_CALL_TIMEOUT_MS, SUBPROTOCOL } from './options';
import { type ExpiredCall, PendingRequests } from './pending-requests';

export type ClientState = 'idle' | 'connecting' | 'open' | 'reconnecting' | 'closing' | 'closed';

/** A frame sent or received, as it travelled. */
export interface FrameRecord {
  direction: 'in' | 'out';
  /** The exact text (received frames keep the server's trailing newline). */
  text: string;
  /** The decoded message; absent for a frame that failed to decode (see `error`) or a raw frame sent. */
  message?: Message;
  /** Why a received frame was refused; the connection is then closed with `error.closeCode`. */
  error?: ProtocolError;
  /** Date.now() when it was sent or received. */
  at: number;
}

/** An EVNT: something published on a channel this connection subscribed to. */
export interface JugglerEvent {
  channel: string;
  /** The pattern subscription that delivered it, if any. */
  pattern?: string;
  /** The published value (parsed). */
  args: unknown;
  /** The uuid of the PUB that produced it. */
  for: string;
  /** The EVNT's own uuid. */
  uuid: string;
}

export interface CloseInfo {
  code: number;
  reason: string;
  /** Whether close() was called (by this side). */
  byClient: boolean;
  /** Whether the client will try to reconnect. */
  willReconnect: boolean;
}

export interface OpenInfo {
  url: string;
  reconnected: boolean;
  /** Subscriptions renewed after a reconnection. */
  resubscribed: number;
}

export interface ClientEvents {
  [name: string]: unknown[];
  /** Connected (again); after a reconnection, once the subscriptions were renewed. */
  open: [info: OpenInfo];
  /** Every frame in and out. */
  frame: [frame: FrameRecord];
  event: [event: JugglerEvent];
  /** A call got no RES before its timeout (the Go client's EXP). */
  exp: [call: ExpiredCall];
  close: [info: CloseInfo];
  /** Protocol errors from the server, socket errors, failed re-subscriptions, a listener that threw. */
  error: [err: Error];
  reconnecting: [info: { attempt: number; delayMs: number }];
}

export interface Subscription {
  channel: string;
  pattern: boolean;
}

function subKey(channel: string, pattern: boolean): string {
  return `${pattern ? 'p' : 'c'}:${channel}`;
}

function utf8Length(s: string): number {
  return new TextEncoder().encode(s).length;
}

/** ws reports errors with a message (and an Error); the DOM gives a bare Event. */
function socketErrorMessage(ev: unknown): string | undefined {
  const e = ev as { message?: unknown; error?: { message?: unknown } } | undefined;
  if (typeof e?.message === 'string' && e.message) return e.message;
  if (typeof e?.error?.message === 'string') return e.error.message;
  return undefined;
}

export class JugglerClient extends Emitter<ClientEvents> {
  readonly options: ResolvedClientOptions;
  #state: ClientState = 'idle';
  #ws: WebSocketLike | undefined;
  readonly #pending: PendingRequests;
  readonly #subs = new Map<string, Subscription>();
  #closeWaiters: (() => void)[] = [];
  #cancelSleep: (() => void) | undefined;

  /** Connects and resolves once the connection is open with the juggler.0 subprotocol. */
  static async connect(url: string, options: ClientOptions = {}): Promise<JugglerClient> {
    const c = new JugglerClient(url, options);
    await c.open();
    return c;
  }

  /** Creates a client without connecting, so that listeners can be in place before open(). */
  constructor(
    readonly url: string,
    options: ClientOptions = {},
  ) {
    super();
    this.options = resolveOptions(options);
    this.#pending = new PendingRequests((call) => this.emit('exp', call));
  }

  /** A listener that throws is reported on 'error'; one that throws from 'error', or with no 'error' listener, is reported apart. */
  protected override listenerFailed(event: keyof ClientEvents, error: unknown): void {
    if (event !== 'error' && this.listenerCount('error') > 0) this.emit('error', error instanceof Error ? error : new Error(String(error)));
    else super.listenerFailed(event, error);
  }

  get state(): ClientState {
    return this.#state;
  }

  /** The subprotocol the server selected. */
  get protocol(): string | undefined {
    return this.#ws?.protocol;
  }

  /** Requests waiting for an ACK, NACK or RES. */
  get pendingCount(): number {
    return this.#pending.size;
  }

  /** The channels and patterns this client is subscribed to (renewed after a reconnection). */
  get subscriptions(): Subscription[] {
    return [...this.#subs.values()];
  }

  /** Opens the connection (a client is opened once; reconnection is automatic when enabled). */
  async open(): Promise<void> {
    if (this.#state !== 'idle') throw new Error(`open() was already called (state: ${this.#state})`);
    this.#state = 'connecting';
    try {
      await this.#connect();
    } catch (err) {
      this.#finishClose();
      throw err;
    }
    if (this.#state !== 'connecting') {
      // close() was called during the handshake
      this.#ws?.close();
      throw new ConnectionClosedError(CloseCode.normal, 'closed by the client while connecting');
    }
    this.#state = 'open';
    this.emit('open', { url: this.url, reconnected: false, resubscribed: 0 });
  }

  /**
   * Calls `uri` with `args`; resolves with the callee's result. Rejects with NackError (refused),
   * CallError (the callee failed), CallExpiredError (no result in time) or ConnectionClosedError.
   * `timeoutMs` defaults to the callTimeoutMs option; 0 leaves the timeout to the server.
   */
  call(uri: string, args: unknown, opts: { timeoutMs?: number } = {}): Promise<unknown> {
    const timeoutMs = opts.timeoutMs ?? this.options.callTimeoutMs;
    let uuid: string | undefined;
    try {
      const msg = newCall(uri, args, timeoutMs);
      uuid = msg.meta.uuid;
      const result = this.#pending.addCall(uuid, uri, timeoutMs > 0 ? timeoutMs : SERVER_DEFAULT_CALL_TIMEOUT_MS);
      this.#write(msg);
      return result;
    } catch (err) {
      // never sent: forget it, or its timer would later reject a promise nobody holds
      if (uuid) this.#pending.drop(uuid);
      return Promise.reject(err);
    }
  }

  /** Subscribes to a channel (or a redis glob pattern); resolves on ACK, rejects with NackError. */
  sub(channel: string, opts: { pattern?: boolean } = {}): Promise<void> {
    const pattern = opts.pattern ?? false;
    return this.#acked(newSub(channel, pattern)).then(() => {
      this.#subs.set(subKey(channel, pattern), { channel, pattern });
    });
  }

  /** Unsubscribes; resolves on ACK. */
  unsb(channel: string, opts: { pattern?: boolean } = {}): Promise<void> {
    const pattern = opts.pattern ?? false;
    return this.#acked(newUnsb(channel, pattern)).then(() => {
      this.#subs.delete(subKey(channel, pattern));
    });
  }

  /** Publishes `args` on `channel`; resolves on ACK (not on delivery: pub-sub is not durable). */
  pub(channel: string, args: unknown): Promise<void> {
    try {
      return this.#acked(newPub(channel, args));
    } catch (err) {
      return Promise.reject(err);
    }
  }

  /** Sends a request without tracking its reply (replies still come as 'frame' events); returns its uuid. */
  send(msg: Request): string {
    this.#write(msg);
    return msg.meta.uuid;
  }

  /** Sends any text as one frame, valid or not (a test and debugging tool: the server may close on it). */
  sendRaw(text: string): void {
    this.#socketOrThrow().send(text);
    this.emit('frame', { direction: 'out', text, at: Date.now() });
  }

  /** Closes the connection with a closing handshake (and stops reconnecting); resolves once closed. */
  close(code: number = CloseCode.normal, reason = ''): Promise<void> {
    if (this.#state === 'closed' || this.#state === 'idle') {
      this.#state = 'closed';
      return Promise.resolve();
    }
    const done = new Promise<void>((resolve) => this.#closeWaiters.push(resolve));
    this.#state = 'closing';
    this.#cancelSleep?.();
    const ws = this.#ws;
    if (ws && ws.readyState !== ReadyState.CLOSED) ws.close(code, reason);
    else this.#finishClose();
    return done;
  }

  /** Drops the connection without a closing handshake where the WebSocket allows it (ws); else close(). */
  terminate(): Promise<void> {
    const ws = this.#ws;
    if (!ws?.terminate || this.#state !== 'open') return this.close();
    const done = new Promise<void>((resolve) => this.#closeWaiters.push(resolve));
    this.#state = 'closing';
    ws.terminate();
    return done;
  }

  #finishClose(): void {
    this.#state = 'closed';
    const waiters = this.#closeWaiters;
    this.#closeWaiters = [];
    for (const w of waiters) w();
  }

  #socketOrThrow(): WebSocketLike {
    const ws = this.#ws;
    if (this.#state !== 'open' || !ws || ws.readyState !== ReadyState.OPEN) throw new NotConnectedError(this.#state);
    return ws;
  }

  #write(msg: Request): void {
    const ws = this.#socketOrThrow();
    const text = encode(msg);
    ws.send(text);
    this.emit('frame', { direction: 'out', text, message: msg, at: Date.now() });
  }

  #acked(msg: Request): Promise<void> {
    try {
      const channel = (msg.payload as { channel: string }).channel;
      const done = this.#pending.addAcked(msg.meta.uuid, msg.meta.type, channel);
      this.#write(msg);
      return done;
    } catch (err) {
      // never sent: forget it, or closing would later reject a promise nobody holds
      this.#pending.drop(msg.meta.uuid);
      return Promise.reject(err);
    }
  }

  /** Opens a websocket and attaches it; rejects with a typed error when it cannot. */
  #connect(): Promise<void> {
    const { WebSocket: Ctor, headers, readLimit, connectTimeoutMs } = this.options;
    return new Promise((resolve, reject) => {
      let ws: WebSocketLike;
      try {
        ws = new Ctor(this.url, SUBPROTOCOL, { ...(headers ? { headers } : {}), ...(readLimit ? { maxPayload: readLimit } : {}) });
      } catch (err) {
        reject(new ConnectError('CONNECT_FAILED', this.url, `cannot connect to ${this.url}: ${(err as Error).message}`, { cause: err }));
        return;
      }
      this.#ws = ws;
      ws.binaryType = 'arraybuffer';
      let lastError: string | undefined;
      let settled = false;
      const fail = (err: Error) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        reject(err);
      };
      const timer = setTimeout(
        () => {
          fail(
            new ConnectError(
              'CONNECT_TIMEOUT',
              this.url,
              `no websocket handshake with ${this.url} within ${connectTimeoutMs} ms (connectTimeoutMs)`,
            ),
          );
          if (ws.terminate) ws.terminate();
          else ws.close();
        },
        connectTimeoutMs || 2 ** 31 - 1,
      );
      ws.onerror = (ev) => {
        lastError = socketErrorMessage(ev) ?? lastError;
      };
      ws.onclose = (ev) => {
        if (this.#ws === ws) this.#ws = undefined;
        if (lastError && /subprotocol/i.test(lastError)) fail(new SubprotocolError(this.url, undefined));
        else {
          const why = lastError ?? `the connection closed during the handshake (close code ${ev.code}${ev.reason ? `: ${ev.reason}` : ''})`;
          fail(new ConnectError('CONNECT_FAILED', this.url, `cannot connect to ${this.url}: ${why}`));
        }
      };
      ws.onopen = () => {
        if (settled) return;
        if (ws.protocol !== SUBPROTOCOL) {
          fail(new SubprotocolError(this.url, ws.protocol));
          ws.onclose = null;
          ws.close(CloseCode.protocolError, 'juggler.0 subprotocol required');
          return;
        }
        settled = true;
        clearTimeout(timer);
        this.#attach(ws);
        resolve();
      };
    });
  }

  #attach(ws: WebSocketLike): void {
    ws.onmessage = (ev) => this.#onMessage(ws, ev.data);
    ws.onerror = (ev) => {
      const e = ev as { error?: { code?: string } };
      if (e?.error?.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH') {
        this.emit(
          'error',
          new ProtocolError(
            'FRAME_TOO_BIG',
            `a frame larger than readLimit (${this.options.readLimit} bytes) was received; raise the readLimit option`,
          ),
        );
      } else this.emit('error', new Error(`websocket error: ${socketErrorMessage(ev) ?? 'unknown (see the close code)'}`));
    };
    ws.onclose = (ev) => this.#onClose(ws, ev.code, ev.reason);
  }

  #onMessage(ws: WebSocketLike, data: unknown): void {
    const at = Date.now();
    if (typeof data !== 'string') {
      this.#refuse(ws, '', new ProtocolError('BINARY_FRAME', 'the server sent a binary frame; juggler.0 frames are text'), at);
      return;
    }
    const limit = this.options.readLimit;
    if (limit && data.length * 3 > limit && (data.length > limit || utf8Length(data) > limit)) {
      this.#refuse(
        ws,
        data,
        new ProtocolError('FRAME_TOO_BIG', `a frame larger than readLimit (${limit} bytes) was received; raise the readLimit option`),
        at,
      );
      return;
    }
    let msg: Message;
    try {
      msg = decodeResponse(data);
    } catch (err) {
      if (!(err instanceof ProtocolError)) throw err;
      this.#refuse(ws, data, err, at);
      return;
    }
    this.emit('frame', { direction: 'in', text: data, message: msg, at });
    switch (msg.meta.type) {
      case MessageType.ACK:
        this.#pending.ack(msg as Ack);
        break;
      case MessageType.NACK:
        this.#pending.nack(msg as Nack);
        break;
      case MessageType.RES:
        this.#pending.result(msg as Res);
        break;
      case MessageType.EVNT: {
        const p = (msg as Evnt).payload;
        let args: unknown;
        try {
          args = argsValue(p.args);
        } catch (err) {
          this.emit('error', err as Error);
          return;
        }
        this.emit('event', { channel: p.channel, ...(p.pattern ? { pattern: p.pattern } : {}), args, for: p.for, uuid: msg.meta.uuid });
        break;
      }
    }
  }

  /** A frame the client cannot accept: reported, and the connection closed with the matching code. */
  #refuse(ws: WebSocketLike, text: string, err: ProtocolError, at: number): void {
    this.emit('frame', { direction: 'in', text, error: err, at });
    this.emit('error', err);
    if (ws.readyState !== ReadyState.OPEN) return;
    try {
      ws.close(err.closeCode, err.closeReason);
    } catch {
      // browsers only let scripts send 1000 or 3000-4999; the reason still says what was wrong
      ws.close(CloseCode.normal, err.closeReason);
    }
  }

  #onClose(ws: WebSocketLike, code: number, reason: string): void {
    if (this.#ws !== ws) return;
    this.#ws = undefined;
    const byClient = this.#state === 'closing';
    const willReconnect = !byClient && this.options.reconnect !== undefined;
    this.#pending.rejectAll(new ConnectionClosedError(code, reason));
    if (willReconnect) this.#state = 'reconnecting';
    else this.#finishClose();
    this.emit('close', { code, reason, byClient, willReconnect });
    if (willReconnect) void this.#reconnect();
  }

  async #reconnect(): Promise<void> {
    const o = this.options.reconnect!;
    let lastError: unknown;
    for (let attempt = 1; o.maxAttempts === 0 || attempt <= o.maxAttempts; attempt++) {
      const delayMs = backoffDelay(attempt, o);
      this.emit('reconnecting', { attempt, delayMs });
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, delayMs);
        this.#cancelSleep = () => {
          clearTimeout(t);
          resolve();
        };
      });
      this.#cancelSleep = undefined;
      if (this.#state !== 'reconnecting') return this.#finishClose();
      try {
        await this.#connect();
      } catch (err) {
        lastError = err;
        if (this.#state !== 'reconnecting') return this.#finishClose();
        continue;
      }
      if (this.#state !== 'reconnecting') {
        // close() was called during the handshake
        this.#ws?.close();
        return;
      }
      this.#state = 'open';
      const resubscribed = await this.#resubscribe();
      if (this.#state === 'open') this.emit('open', { url: this.url, reconnected: true, resubscribed });
      return;
    }
    this.#finishClose();
    this.emit('error', new ReconnectFailedError(o.maxAttempts, lastError));
  }

  /** Renews every subscription on the new connection; a refused one is dropped and reported. */
  async #resubscribe(): Promise<number> {
    const subs = [...this.#subs.values()];
    const results = await Promise.allSettled(subs.map((s) => this.sub(s.channel, { pattern: s.pattern })));
    let n = 0;
    results.forEach((r, i) => {
      if (r.status === 'fulfilled') n++;
      else {
        const s = subs[i]!;
        this.#subs.delete(subKey(s.channel, s.pattern));
        this.emit(
          'error',
          new Error(
            `could not renew the subscription to ${s.pattern ? 'pattern' : 'channel'} ${s.channel}: ${(r.reason as Error).message}`,
          ),
        );
      }
    });
    return n;
  }
}
