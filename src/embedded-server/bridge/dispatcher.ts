// The one dispatcher that implements the bridge contract: it reads call frames from any transport
// (Electron IPC, the web-mode websocket, a test), runs the method from the table and answers with a
// result or a typed error frame; host events go out to every attached session as event frames.
import {
  type BridgeEvents,
  type EventName,
  METHOD_NAMES,
  type MethodName,
  type ParamsOf,
  type ResultOf,
} from '../../shared/bridge/contract';
import { BridgeError, BridgeErrorCode } from '../../shared/bridge/errors';
import type { BridgeFrame } from '../../shared/bridge/frame';

/** Which attached transport made a call: the same object for every call of one session. */
export type SessionKey = object;

export type MethodTable = {
  [M in MethodName]: (params: ParamsOf<M>, session: SessionKey) => Promise<ResultOf<M>> | ResultOf<M>;
};

export interface BridgeSession {
  /** Hands a frame from the transport to the dispatcher. */
  receive(frame: unknown): void;
  /** The transport closed: no more events for it. */
  close(): void;
}

const knownMethods: ReadonlySet<string> = new Set(METHOD_NAMES);

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export class BridgeDispatcher {
  readonly #sessions = new Set<(frame: BridgeFrame) => void>();
  readonly #onSessionClosed: ((session: SessionKey) => void)[] = [];

  constructor(
    private readonly table: MethodTable,
    private readonly onError?: (err: Error, method: string) => void,
  ) {
    for (const m of METHOD_NAMES) if (typeof table[m] !== 'function') throw new Error(`the bridge table has no handler for ${m}`);
  }

  /** Attaches a transport: `send` carries frames to it. */
  attach(send: (frame: BridgeFrame) => void): BridgeSession {
    this.#sessions.add(send);
    return {
      receive: (raw) => void this.#receive(raw, send),
      close: () => {
        if (!this.#sessions.delete(send)) return;
        for (const f of this.#onSessionClosed) f(send);
      },
    };
  }

  /** Called with a session's key when its transport closes (what it asked for goes with it). */
  onSessionClosed(f: (session: SessionKey) => void): void {
    this.#onSessionClosed.push(f);
  }

  get sessions(): number {
    return this.#sessions.size;
  }

  /** Pushes an event to every attached session. */
  emit<E extends EventName>(event: E, payload: BridgeEvents[E]): void {
    if (this.#sessions.size === 0) return;
    const frame: BridgeFrame = { kind: 'event', event, payload };
    for (const send of this.#sessions) {
      try {
        send(frame);
      } catch (err) {
        this.onError?.(err as Error, `event ${event}`);
      }
    }
  }

  async #receive(raw: unknown, send: (frame: BridgeFrame) => void): Promise<void> {
    const id = isObject(raw) && typeof raw.id === 'number' && Number.isSafeInteger(raw.id) ? raw.id : undefined;
    const fail = (e: BridgeError) => send({ ...(id !== undefined ? { id } : {}), kind: 'error', payload: e.toPayload() });
    if (!isObject(raw) || raw.kind !== 'call' || id === undefined || typeof raw.method !== 'string') {
      fail(
        new BridgeError(BridgeErrorCode.BadFrame, 'a bridge frame must be an object {id: number, kind: "call", method: string, payload?}'),
      );
      return;
    }
    const method = raw.method;
    if (!knownMethods.has(method)) {
      fail(new BridgeError(BridgeErrorCode.UnknownMethod, `unknown bridge method "${method}"`));
      return;
    }
    try {
      const handler = this.table[method as MethodName] as (p: unknown, session: SessionKey) => unknown;
      const result = await handler(raw.payload, send);
      send({ id, kind: 'result', payload: result });
    } catch (err) {
      if (err instanceof BridgeError) {
        fail(err);
        return;
      }
      this.onError?.(err as Error, method);
      fail(new BridgeError(BridgeErrorCode.Failed, `${method} failed: ${(err as Error)?.message ?? String(err)}`));
    }
  }
}
