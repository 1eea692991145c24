// What the Playground's buttons do: bridge calls whose answers (and failures) land in the store.
// Every failure reaches the user as a message in the column it concerns; nothing is swallowed.
import type { BridgeClient } from '../../../../shared/bridge/client';
import { parseJsonInput } from './json-input';
import { type PlaygroundStore, parseTimeout } from './playground-store';

export type Bridge = Pick<BridgeClient, 'call' | 'on'>;

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

export function playgroundActions(bridge: Bridge, store: PlaygroundStore) {
  const st = () => store.getState();

  const runCall = async (clientId: string, c: { uri: string; argsText: string; args: unknown; timeoutMs?: number }) => {
    const id = st().startCall(clientId, c);
    try {
      const outcome = await bridge.call('clients.call', {
        clientId,
        uri: c.uri,
        args: c.args,
        ...(c.timeoutMs !== undefined ? { timeoutMs: c.timeoutMs } : {}),
      });
      st().finishCall(clientId, id, { outcome });
    } catch (err) {
      st().finishCall(clientId, id, { failure: message(err) });
    }
    return id;
  };

  const reload = async (): Promise<void> => {
    try {
      const [clients, callees] = await Promise.all([bridge.call('clients.list'), bridge.call('callees.list')]);
      st().setClients(clients);
      st().setCalleeUris(callees.map((c) => c.uri));
    } catch {
      // the status bar shows the link problem; the feed reloads when the link is back
    }
  };

  return {
    /** Subscribes the store to the host's client and callee events and loads the current lists. */
    startFeed(): () => void {
      const offs = [
        bridge.on('clients.changed', (list) => st().setClients(list)),
        bridge.on('clients.event', (ev) => st().addEvent(ev)),
        bridge.on('callees.changed', (list) => st().setCalleeUris(list.map((c) => c.uri))),
      ];
      void reload();
      return () => {
        for (const off of offs) off();
      };
    },

    reload,

    async connect(o: { name?: string; url?: string; allowedMessages?: string }): Promise<boolean> {
      st().setAddProblem(undefined);
      try {
        const info = await bridge.call('clients.connect', {
          ...(o.name?.trim() ? { name: o.name.trim() } : {}),
          ...(o.url?.trim() ? { url: o.url.trim() } : {}),
          ...(o.allowedMessages?.trim() ? { allowedMessages: o.allowedMessages.trim() } : {}),
        });
        st().upsertClient(info);
        return true;
      } catch (err) {
        st().setAddProblem(message(err));
        return false;
      }
    },

    async disconnect(clientId: string): Promise<void> {
      try {
        st().upsertClient(await bridge.call('clients.disconnect', { clientId }));
      } catch (err) {
        st().setPubsubProblem(clientId, message(err));
      }
    },

    /** Closes the client if it is still known to the host, and drops its column. */
    async remove(clientId: string): Promise<void> {
      const col = st().columns[clientId];
      if (col && col.info.state !== 'closed') {
        try {
          await bridge.call('clients.disconnect', { clientId });
        } catch {
          // already gone on the host side: removing the column is all that is left to do
        }
      } else if (col) {
        // a closed client the host still lists (closed by the server): make the host forget it too
        await bridge.call('clients.disconnect', { clientId }).catch(() => undefined);
      }
      st().removeColumn(clientId);
    },

    /** Sends the CALL typed in the column's form, after checking its args and timeout. */
    async sendCall(clientId: string): Promise<number | undefined> {
      const col = st().columns[clientId];
      if (!col) return undefined;
      const { uri, argsText, timeoutText } = col.draft;
      if (!uri.trim()) {
        st().setCallProblem(clientId, 'URI: empty; name the function to call, e.g. test.echo.');
        return undefined;
      }
      const args = parseJsonInput(argsText, 'Args');
      if (!args.ok) {
        st().setCallProblem(clientId, args.message);
        return undefined;
      }
      const timeout = parseTimeout(timeoutText);
      if (!timeout.ok) {
        st().setCallProblem(clientId, timeout.message);
        return undefined;
      }
      return runCall(clientId, {
        uri: uri.trim(),
        argsText,
        args: args.value,
        ...(timeout.ms !== undefined ? { timeoutMs: timeout.ms } : {}),
      });
    },

    /** Sends a past call again, as it was (new uuid). */
    async resend(clientId: string, callId: number): Promise<number | undefined> {
      const r = st().columns[clientId]?.history.find((x) => x.id === callId);
      if (!r) return undefined;
      return runCall(clientId, {
        uri: r.uri,
        argsText: r.argsText,
        args: r.args,
        ...(r.timeoutMs !== undefined ? { timeoutMs: r.timeoutMs } : {}),
      });
    },

    /** SUB (or PSUB with `pattern`) to the channel typed in the column's form. */
    async subscribe(clientId: string, pattern: boolean): Promise<void> {
      const col = st().columns[clientId];
      if (!col) return;
      const channel = col.draft.channel.trim();
      if (!channel) {
        st().setPubsubProblem(clientId, `${pattern ? 'Pattern' : 'Channel'}: empty; name what to subscribe to.`);
        return;
      }
      try {
        st().upsertClient(await bridge.call('clients.sub', { clientId, channel, pattern }));
        st().setPubsubProblem(clientId, undefined);
      } catch (err) {
        st().setPubsubProblem(clientId, message(err));
      }
    },

    async unsubscribe(clientId: string, channel: string, pattern: boolean): Promise<void> {
      try {
        st().upsertClient(await bridge.call('clients.unsb', { clientId, channel, pattern }));
        st().setPubsubProblem(clientId, undefined);
      } catch (err) {
        st().setPubsubProblem(clientId, message(err));
      }
    },

    async publish(clientId: string): Promise<void> {
      const col = st().columns[clientId];
      if (!col) return;
      const channel = col.draft.pubChannel.trim();
      if (!channel) {
        st().setPubsubProblem(clientId, 'PUB channel: empty; name the channel to publish to.');
        return;
      }
      const payload = parseJsonInput(col.draft.pubPayloadText, 'Payload');
      if (!payload.ok) {
        st().setPubsubProblem(clientId, payload.message);
        return;
      }
      try {
        await bridge.call('clients.pub', { clientId, channel, args: payload.value });
        st().setPubsubProblem(clientId, undefined);
      } catch (err) {
        st().setPubsubProblem(clientId, message(err));
      }
    },
  };
}

export type PlaygroundActions = ReturnType<typeof playgroundActions>;
