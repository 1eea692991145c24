// The juggler.0 client for browsers and Node. In Node, import from './node' (it supplies the `ws` package).

export { Emitter, type EventMap, type Listener } from '../../shared/emitter';
export * from '../../shared/websocket-like';
export * from './backoff';
export * from './client';
export * from './errors';
export * from './options';
export { type ExpiredCall, resultError } from './pending-requests';
