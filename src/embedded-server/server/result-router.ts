// Routes results back to the connection that made the call. One blocking reader per server reads
// `juggler:results:{<server id>}`: the server puts its own id in `conn_uuid`, so Go and TS callees push
// results there unchanged, and the CALL's uuid (msg_uuid) finds the connection. The ACK of a call is
// always written before its RES, even when the result beats the ACK back.
import type { Res } from '../message';
import type { Connection } from './connection';

interface Pending {
  conn: Connection;
  acked: boolean;
  early?: Res;
  expiresAt: number;
}

export class ResultRouter {
  readonly #pending = new Map<string, Pending>();

  get size(): number {
    return this.#pending.size;
  }

  /** False when a call with this uuid is already in flight (uuids must be unique to route results). */
  register(msgUUID: string, conn: Connection, ttlMs: number): boolean {
    if (this.#pending.has(msgUUID)) return false;
    // a result can be read a little after its TTL ends (the check happens in redis): keep a margin
    this.#pending.set(msgUUID, { conn, acked: false, expiresAt: performance.now() + ttlMs + 1000 });
    return true;
  }

  /** The call was refused (NACK): no result will come. */
  forget(msgUUID: string): void {
    this.#pending.delete(msgUUID);
  }

  /** The ACK went out: a result that arrived early can follow it now. */
  acked(msgUUID: string, write: (conn: Connection, res: Res) => void): void {
    const p = this.#pending.get(msgUUID);
    if (!p) return;
    p.acked = true;
    if (p.early) {
      this.#pending.delete(msgUUID);
      write(p.conn, p.early);
    }
  }

  /** Delivers a result; false when no live connection waits for it. */
  route(res: Res, write: (conn: Connection, res: Res) => void): boolean {
    const p = this.#pending.get(res.payload.for);
    if (!p || p.conn.state === 'closed') {
      this.#pending.delete(res.payload.for);
      return false;
    }
    if (!p.acked) {
      p.early = res;
      return true;
    }
    this.#pending.delete(res.payload.for);
    write(p.conn, res);
    return true;
  }

  /** Drops the calls of a closed connection. */
  dropConnection(conn: Connection): void {
    for (const [id, p] of this.#pending) if (p.conn === conn) this.#pending.delete(id);
  }

  /** Drops calls whose results can no longer come; returns how many. */
  sweep(now = performance.now()): number {
    let n = 0;
    for (const [id, p] of this.#pending) {
      if (p.expiresAt < now) {
        this.#pending.delete(id);
        n++;
      }
    }
    return n;
  }

  /** Calls still waiting for a result, per connection (graceful shutdown waits for them). */
  pendingFor(conn: Connection): number {
    let n = 0;
    for (const p of this.#pending.values()) if (p.conn === conn) n++;
    return n;
  }
}
