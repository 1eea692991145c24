// The renderer's one bridge to the host: IPC in the desktop app, the web-mode websocket otherwise.
import { BridgeClient } from '../../../shared/bridge/client';
import { type Link, openLink } from './transport';

let instance: { link: Link; client: BridgeClient } | undefined;

export function getBridge(): { link: Link; client: BridgeClient } {
  if (!instance) {
    const link = openLink();
    instance = { link, client: new BridgeClient(link) };
    // calls in flight when the websocket drops can never be answered: fail them now
    link.onState((s) => {
      if (s === 'closed') instance?.client.fail('the connection to the Studio host was lost; retrying');
    });
  }
  return instance;
}
