// The juggler.0 client for browsers and Node. In Node, import from './node' (it supplies the `ws` package).
export * from './backoff';
export * from './client';
export * from './emitter';
export * from './errors';
export * from './options';
export { type ExpiredCall, resultError } from './pending-requests';
export * from './websocket-like';
