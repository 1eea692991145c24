// The optional RPC layer of generation seed, carried in MESSAGE payloads with "type": "rpc" (spec,
// "Optional RPC over MESSAGE"). Full duplex: each side numbers its own requests from 1.

import { cloneJson, isPlainObject, type JsonValue } from '../../shared/json-patch/json-value';
import { connectionClosed, SyncError } from './errors';

export type RpcAction = (...args: JsonValue[]) => unknown;

export interface RpcOptions {
  /** Actions the other side may call, by name. */
  actions?: Record<string, RpcAction>;
  /** Called with the action name then the arguments for any action not in `actions`. */
  defaultHandler?: (action: string, ...args: JsonValue[]) => unknown;
}

interface RpcRequest {
  type: 'rpc';
  id: number;
  direction: 'request';
  action: string;
  args: JsonValue[];
}
interface RpcResponse {
  type: 'rpc';
  id: number;
  direction: 'response';
  success: boolean;
  result: JsonValue;
}

export function isRpcPayload(payload: JsonValue): boolean {
  return isPlainObject(payload) && payload.type === 'rpc';
}

export class RpcLayer {
  private lastId = 0;
  private readonly pending = new Map<number, { resolve: (v: JsonValue) => void; reject: (e: SyncError) => void }>();

  constructor(
    private readonly options: RpcOptions,
    private readonly send: (payload: JsonValue) => void,
  ) {}

  /** Calls `action` on the other side; rejects with REQUEST_FAILED carrying the raw `result` on failure. */
  call(action: string, args: unknown[]): Promise<JsonValue> {
    const id = ++this.lastId;
    const request: RpcRequest = {
      type: 'rpc',
      id,
      direction: 'request',
      action,
      args: cloneJson(args, `arguments of ${action}`) as JsonValue[],
    };
    this.send(request as unknown as JsonValue);
    return new Promise((resolve, reject) => this.pending.set(id, { resolve, reject }));
  }

  /** An rpc MESSAGE payload; malformed ones are ignored like upstream's, which only looks at known fields. */
  handle(payload: JsonValue): void {
    const msg = payload as unknown as RpcRequest | RpcResponse;
    if (msg.direction === 'request') void this.answer(msg);
    else if (msg.direction === 'response') {
      const waiter = this.pending.get(msg.id);
      if (!waiter) return;
      this.pending.delete(msg.id);
      if (msg.success) waiter.resolve(msg.result ?? null);
      else waiter.reject(new SyncError('REQUEST_FAILED', `rpc failed: ${textOf(msg.result)}`, { data: msg.result ?? null }));
    }
  }

  closed(): void {
    for (const waiter of this.pending.values()) waiter.reject(connectionClosed('rpc call'));
    this.pending.clear();
  }

  private async answer(req: RpcRequest): Promise<void> {
    let success = true;
    let result: JsonValue;
    try {
      const args = Array.isArray(req.args) ? req.args : [];
      const action = Object.hasOwn(this.options.actions ?? {}, req.action) ? this.options.actions?.[req.action] : undefined;
      if (action) result = cloneJson(await action(...args), `result of ${req.action}`);
      else if (this.options.defaultHandler)
        result = cloneJson(await this.options.defaultHandler(req.action, ...args), `result of ${req.action}`);
      else throw new Error('invalid action');
    } catch (err) {
      success = false;
      result = err instanceof Error ? err.message : String(err);
    }
    const response: RpcResponse = { type: 'rpc', id: req.id, direction: 'response', success, result };
    try {
      this.send(response as unknown as JsonValue);
    } catch {
      // the connection closed while the action ran: the caller's side already failed its promise
    }
  }
}

function textOf(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}
