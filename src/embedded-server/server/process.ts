// What the server does with each request (Go: ProcessMsg): CALL → push to the call list, PUB →
// PUBLISH, SUB/UNSB → (un)subscribe on the shared subscriber; each answered with ACK, or NACK when
// refused. A NACK always says why in words a user can act on.

import { CloseCode } from '../../shared/close-code';
import { BrokerError } from '../broker/broker';
import {
  type Call,
  MessageType,
  NackCode,
  newAck,
  newNack,
  type Pub,
  RawJson,
  type Request,
  type Response,
  type Sub,
  type Unsb,
} from '../message';
import type { Connection } from './connection';
import type { JugglerServer } from './server';

function nackFor(req: Request, err: unknown): Response {
  if (err instanceof BrokerError) {
    if (err.code === 'CAPACITY_EXCEEDED') return newNack(req, NackCode.CapacityExceeded, err.message);
    if (err.code === 'INVALID_KEY') return newNack(req, NackCode.BadRequest, err.message);
    if (err.code === 'CLOSED') return newNack(req, NackCode.ShuttingDown, 'the server is shutting down');
    return newNack(req, NackCode.BrokerUnavailable, err.message);
  }
  return newNack(req, NackCode.BrokerUnavailable, (err as Error)?.message ?? String(err));
}

export async function processRequest(srv: JugglerServer, conn: Connection, req: Request, send: (r: Response) => void): Promise<void> {
  if (srv.shuttingDown) {
    send(newNack(req, NackCode.ShuttingDown, 'the server is shutting down; reconnect to another server'));
    return;
  }
  switch (req.meta.type) {
    case MessageType.CALL:
      return processCall(srv, conn, req as Call, send);
    case MessageType.PUB:
      return processPub(srv, req as Pub, send);
    case MessageType.SUB:
    case MessageType.UNSB:
      return processSub(srv, conn, req as Sub | Unsb, send);
  }
}

async function processCall(srv: JugglerServer, conn: Connection, call: Call, send: (r: Response) => void): Promise<void> {
  const { uri } = call.payload;
  if (!uri) {
    send(newNack(call, NackCode.BadRequest, 'CALL needs a URI: payload.uri is missing or empty'));
    return;
  }
  if (srv.options.closeUri && uri === srv.options.closeUri) {
    conn.close(CloseCode.normal, 'bye');
    return;
  }
  if (srv.options.panicUri && uri === srv.options.panicUri) {
    throw new Error(`CALL to the panic URI ${uri}`);
  }
  const ns = call.payload.timeout ?? 0;
  const timeoutMs = ns > 0 ? Math.max(1, Math.floor(ns / 1e6)) : srv.options.callTimeoutMs;
  if (!srv.router.register(call.meta.uuid, conn, timeoutMs)) {
    send(newNack(call, NackCode.BadRequest, `a call with uuid ${call.meta.uuid} is already in flight: message uuids must be unique`));
    return;
  }
  try {
    await srv.broker.call(
      {
        conn_uuid: srv.id,
        msg_uuid: call.meta.uuid,
        uri,
        args: call.payload.args instanceof RawJson ? call.payload.args : new RawJson(JSON.stringify(call.payload.args ?? null)),
      },
      timeoutMs,
    );
  } catch (err) {
    srv.router.forget(call.meta.uuid);
    send(nackFor(call, err));
    return;
  }
  send(newAck(call));
  srv.acked(call.meta.uuid);
}

async function processPub(srv: JugglerServer, pub: Pub, send: (r: Response) => void): Promise<void> {
  const args = pub.payload.args instanceof RawJson ? pub.payload.args : new RawJson(JSON.stringify(pub.payload.args ?? null));
  try {
    await srv.broker.publish(pub.payload.channel, { msg_uuid: pub.meta.uuid, args });
  } catch (err) {
    send(nackFor(pub, err));
    return;
  }
  send(newAck(pub));
}

async function processSub(srv: JugglerServer, conn: Connection, req: Sub | Unsb, send: (r: Response) => void): Promise<void> {
  const { channel, pattern } = req.payload;
  try {
    if (req.meta.type === MessageType.SUB) await srv.broker.subscribe(channel, pattern, conn.listener);
    else await srv.broker.unsubscribe(channel, pattern, conn.listener);
  } catch (err) {
    send(nackFor(req, err));
    return;
  }
  send(newAck(req));
}
