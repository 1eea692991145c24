// The juggler data-sync protocol: peers (no sockets), the ws server binding and the browser-safe client.

export { CloseCode } from '../../shared/close-code';
export { cloneJson, type JsonValue, jsonEqual } from '../../shared/json-patch/json-value';
export { applyPatch, diff, type Patch, type PatchOperation } from '../../shared/json-patch/patch';
export { Batcher, type SyncDelay } from './batcher';
export { ClientPeer, type ClientPeerOptions, type Notification } from './client-peer';
export { SyncError, type SyncErrorCode } from './errors';
export { detectGeneration, GENERATIONS, type Generation, isGeneration } from './generation';
export { type CloseEvent, type FrameSink, Peer } from './peer';
export { type ChangeEvent, Replica } from './replica';
export type { RpcOptions } from './rpc';
export { SeedPeer, type SeedPeerOptions } from './seed-peer';
export { segment } from './segmenter';
export { type RequestHandler, ServerPeer, type ServerPeerOptions } from './server-peer';
export { SyncClient, type SyncClientOptions } from './sync-client';
export { connectClient, connectSeed, type WebSocketConstructor, type WebSocketLike } from './ws-client';
export { type ServerConnection, SyncServer, type SyncServerOptions } from './ws-server';
