// The client under Node: the same JugglerClient, with the `ws` package as its WebSocket (Node 20 has no
// global WebSocket). Browsers import from './index' instead.
import WebSocket from 'ws';
import { JugglerClient } from './client';
import type { ClientOptions } from './options';

export * from './index';

/** JugglerClient.connect with `ws` as the default WebSocket constructor. */
export function connect(url: string, options: ClientOptions = {}): Promise<JugglerClient> {
  return JugglerClient.connect(url, { WebSocket, ...options });
}

/** A client not yet connected (call open()), with `ws` as the default WebSocket constructor. */
export function createClient(url: string, options: ClientOptions = {}): JugglerClient {
  return new JugglerClient(url, { WebSocket, ...options });
}
