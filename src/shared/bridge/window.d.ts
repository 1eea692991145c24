// What the preload script exposes on `window` in the desktop app. In web mode the property is absent,
// and the renderer talks to the host over a websocket instead.
import type { BridgeFrame } from './frame';

export interface JugglerWindowApi {
  /** Sends one frame to the host. */
  send(frame: BridgeFrame): void;
  /** Calls `cb` with every frame the host sends; the returned function stops the delivery. */
  onFrame(cb: (frame: BridgeFrame) => void): () => void;
}

declare global {
  interface Window {
    juggler?: JugglerWindowApi;
  }
}
