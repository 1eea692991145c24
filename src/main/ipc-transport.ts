// Carries bridge frames between the main process and one window over the `bridge:frame` IPC channel.
// A transport only moves frames: what they mean is the bridge dispatcher's business.
import { type IpcMainEvent, ipcMain, type WebContents } from 'electron';
import { BRIDGE_FRAME_CHANNEL, type BridgeFrame } from '../shared/bridge/frame';

export interface IpcTransport {
  send(frame: BridgeFrame): void;
  close(): void;
}

/**
 * Delivers frames sent by `contents` to `onFrame`, but only from its main frame while it shows the app
 * (`isAppUrl`): a page that somehow got into the window must not reach the host.
 */
export function openIpcTransport(
  contents: WebContents,
  isAppUrl: (url: string) => boolean,
  onFrame: (frame: unknown) => void,
): IpcTransport {
  const listener = (event: IpcMainEvent, frame: unknown): void => {
    if (event.sender !== contents) return;
    const from = event.senderFrame;
    if (!from || from.parent !== null || !isAppUrl(from.url)) {
      console.warn(`[ipc] dropped a bridge frame from ${from?.url ?? 'a destroyed frame'}: not the app's main frame`);
      return;
    }
    onFrame(frame);
  };
  ipcMain.on(BRIDGE_FRAME_CHANNEL, listener);
  const close = (): void => {
    ipcMain.removeListener(BRIDGE_FRAME_CHANNEL, listener);
  };
  contents.once('destroyed', close);
  return {
    send(frame) {
      if (!contents.isDestroyed()) contents.send(BRIDGE_FRAME_CHANNEL, frame);
    },
    close,
  };
}
