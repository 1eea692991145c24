// The preload script: exposes `window.juggler`, a channel for bridge frames and nothing else. It runs
// sandboxed, so this file is bundled whole and may only require 'electron'.
import { contextBridge, type IpcRendererEvent, ipcRenderer } from 'electron';
import { BRIDGE_FRAME_CHANNEL, type BridgeFrame } from '../shared/bridge/frame';
import type { JugglerWindowApi } from '../shared/bridge/window';

const api: JugglerWindowApi = {
  send(frame: unknown): void {
    ipcRenderer.send(BRIDGE_FRAME_CHANNEL, frame);
  },
  onFrame(cb: (frame: BridgeFrame) => void): () => void {
    // Only the frame reaches the page: the IPC event (and its `sender`) stays on this side.
    const listener = (_event: IpcRendererEvent, frame: BridgeFrame): void => cb(frame);
    ipcRenderer.on(BRIDGE_FRAME_CHANNEL, listener);
    return () => {
      ipcRenderer.removeListener(BRIDGE_FRAME_CHANNEL, listener);
    };
  },
};

contextBridge.exposeInMainWorld('juggler', api);
