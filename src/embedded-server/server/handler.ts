// The handler chain (Go: middleware Handlers). Every message in and out passes through it; a handler
// may act before or after `next()`, or answer itself instead (e.g. NACK 401/403 for authorisation).
import type { Message, Request, Response } from '../message';
import type { Connection } from './connection';

export interface InContext {
  direction: 'in';
  conn: Connection;
  msg: Request;
  /** Refuse the request with a NACK instead of processing it. */
  nack(code: number, message: string): void;
}

export interface OutContext {
  direction: 'out';
  conn: Connection;
  msg: Response;
}

export type MsgContext = InContext | OutContext;
export type Handler = (ctx: MsgContext, next: () => Promise<void>) => Promise<void> | void;

/** Composes handlers around a final one, like Go's Chain(...). */
export function compose(handlers: Handler[], final: (ctx: MsgContext) => Promise<void> | void): (ctx: MsgContext) => Promise<void> {
  // no handlers (the usual case): no dispatch closure and no extra promise per frame, in or out
  if (handlers.length === 0) {
    return (ctx) => {
      try {
        return Promise.resolve(final(ctx));
      } catch (err) {
        return Promise.reject(err);
      }
    };
  }
  return (ctx) => {
    const dispatch = async (i: number): Promise<void> => {
      const h = handlers[i];
      if (!h) return final(ctx);
      let called = false;
      await h(ctx, () => {
        if (called) throw new Error('a handler called next() twice');
        called = true;
        return dispatch(i + 1);
      });
    };
    return dispatch(0);
  };
}

/** Only lets the message through when `allow` says so; otherwise NACKs with 403 (authorisation hook). */
export function authorize(allow: (conn: Connection, msg: Message) => boolean | Promise<boolean>): Handler {
  return async (ctx, next) => {
    if (ctx.direction === 'in' && !(await allow(ctx.conn, ctx.msg))) {
      ctx.nack(403, 'forbidden: refused by the server authorisation hook');
      return;
    }
    await next();
  };
}
