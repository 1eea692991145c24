// The one message shape carried between the renderer and the host, over Electron IPC and (in web mode)
// the bridge websocket alike. The contract that gives `method`, `event` and `payload` their meaning
// comes later; transports only move frames and never look inside them.

export interface BridgeFrame {
  /** Pairs a `call` with its `result` or `error`; absent on events. */
  id?: number;
  kind: 'call' | 'result' | 'error' | 'event';
  method?: string;
  event?: string;
  payload?: unknown;
}

/** The IPC channel that carries bridge frames, used in both directions. */
export const BRIDGE_FRAME_CHANNEL = 'bridge:frame';
