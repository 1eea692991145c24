// Requests waiting for their reply, keyed by the request's uuid: the server's ACK, NACK and RES carry it in
// `for`, which is how many concurrent requests on one connection find their caller.
import { type Ack, argsValue, MessageType, type Nack, type Res } from '../message';
import { CallError, CallExpiredError, NackError } from './errors';
import { type Expiry, ExpiryQueue } from './expiry-queue';

interface Pending {
  type: MessageType;
  /** The CALL's URI, or the channel of a PUB/SUB/UNSB. */
  target: string;
  resolve(value: unknown): void;
  reject(err: Error): void;
  acked: boolean;
  expiry?: Expiry;
  timeoutMs?: number;
}

export interface ExpiredCall {
  /** The CALL's uuid. */
  uuid: string;
  uri: string;
  timeoutMs: number;
  /** Whether the server had ACKed the call. */
  acked: boolean;
}

/** `{"error":{"message":"..."}}`: how a callee's failure travels in a RES. */
export function resultError(v: unknown): ({ message: string } & Record<string, unknown>) | undefined {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return undefined;
  const e = (v as { error?: unknown }).error;
  if (typeof e !== 'object' || e === null || Array.isArray(e)) return undefined;
  return typeof (e as { message?: unknown }).message === 'string' ? (e as { message: string }) : undefined;
}

export class PendingRequests {
  readonly #pending = new Map<string, Pending>();
  readonly #expiries = new ExpiryQueue<{ uuid: string; p: Pending }>(({ uuid, p }) => {
    if (this.#pending.get(uuid) !== p) return;
    this.#pending.delete(uuid);
    const uri = p.target;
    const timeoutMs = p.timeoutMs ?? 0;
    // the event first, like the Go client's EXP through the handler, then the caller's rejection
    this.onExpire({ uuid, uri, timeoutMs, acked: p.acked });
    p.reject(new CallExpiredError(uri, uuid, timeoutMs));
  });

  constructor(private readonly onExpire: (call: ExpiredCall) => void) {}

  get size(): number {
    return this.#pending.size;
  }

  has(uuid: string): boolean {
    return this.#pending.has(uuid);
  }

  /** A CALL: settled by its RES (or NACK), or expired after `timeoutMs`. */
  addCall(uuid: string, uri: string, timeoutMs: number): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const p: Pending = { type: MessageType.CALL, target: uri, resolve, reject, acked: false, timeoutMs };
      p.expiry = this.#expiries.add({ uuid, p }, timeoutMs);
      this.#pending.set(uuid, p);
    });
  }

  /** A PUB, SUB or UNSB: settled by its ACK or NACK. */
  addAcked(uuid: string, type: MessageType, channel: string): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#pending.set(uuid, { type, target: channel, resolve: () => resolve(), reject, acked: false });
    });
  }

  /** Returns whether the ACK answered a pending request. */
  ack(ack: Ack): boolean {
    const p = this.#pending.get(ack.payload.for);
    if (!p) return false;
    p.acked = true;
    if (p.type !== MessageType.CALL) {
      this.#pending.delete(ack.payload.for);
      p.resolve(undefined);
    }
    return true;
  }

  nack(nack: Nack): boolean {
    const p = this.#take(nack.payload.for);
    if (!p) return false;
    p.reject(new NackError(nack));
    return true;
  }

  /** Settles the call with the RES's args: resolved with the value, or rejected with a CallError. */
  result(res: Res): boolean {
    const p = this.#pending.get(res.payload.for);
    if (!p || p.type !== MessageType.CALL) return false;
    this.#take(res.payload.for);
    let value: unknown;
    try {
      value = argsValue(res.payload.args);
    } catch (err) {
      p.reject(err as Error);
      return true;
    }
    const error = resultError(value);
    if (error) p.reject(new CallError(res.payload.uri || p.target, res.payload.for, error));
    else p.resolve(value);
    return true;
  }

  /** Forgets a request that could not be sent, without settling it (its caller gets the send error). */
  drop(uuid: string): void {
    this.#take(uuid);
  }

  /** Rejects every pending request (the connection is gone). */
  rejectAll(err: Error): void {
    const all = [...this.#pending.values()];
    this.#pending.clear();
    this.#expiries.clear();
    for (const p of all) p.reject(err);
  }

  #take(uuid: string): Pending | undefined {
    const p = this.#pending.get(uuid);
    if (!p) return undefined;
    this.#pending.delete(uuid);
    p.expiry?.cancel();
    return p;
  }
}
