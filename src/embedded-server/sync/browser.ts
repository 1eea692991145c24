// The browser-safe entry: peers, patches and the reconnecting client, without the Node server binding.
// browser.test.ts pins that nothing reachable from here imports node:* or `ws`.

export { CloseCode } from '../../shared/close-code';
export { cloneJson, type JsonValue, jsonEqual } from '../../shared/json-patch/json-value';
export { applyPatch, diff, type Patch, type PatchOperation } from '../../shared/json-patch/patch';
export { ClientPeer, type ClientPeerOptions, type Notification } from './client-peer';
export { SyncError, type SyncErrorCode } from './errors';
export { detectGeneration, GENERATIONS, type Generation } from './generation';
export { type CloseEvent, type FrameSink, Peer } from './peer';
export { type ChangeEvent, Replica } from './replica';
export type { RpcOptions } from './rpc';
export { SeedPeer, type SeedPeerOptions } from './seed-peer';
export { SyncClient, type SyncClientOptions } from './sync-client';
export { connectClient, connectSeed, type WebSocketConstructor, type WebSocketLike } from './ws-client';
