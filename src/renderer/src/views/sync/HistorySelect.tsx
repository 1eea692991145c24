// Which replica's history the timeline, the scrubber and the diff look at.
import { historyKey, type Replica } from './sync-store';
import { syncStore, useSyncStore } from './use-sync-store';

export function HistorySelect() {
  const peers = useSyncStore((s) => s.peers);
  const selected = useSyncStore((s) => s.selected);
  const histories = useSyncStore((s) => s.histories);
  const value = selected ? historyKey(selected.peerId, selected.replica) : '';
  return (
    <label>
      History of{' '}
      <select
        value={value}
        data-testid="history-select"
        onChange={(e) => {
          const [peerId, replica] = e.target.value.split('/') as [string, Replica];
          syncStore().getState().select(peerId, replica);
        }}
      >
        {peers.flatMap((p) =>
          (['local', 'remote'] as const).map((r) => (
            <option key={historyKey(p.peerId, r)} value={historyKey(p.peerId, r)}>
              {p.peerId} {r} ({p.generation}, {histories[historyKey(p.peerId, r)]?.length ?? 0} changes{p.connected ? '' : ', closed'}
              {p.pinned && p.role === 'server' ? ', pinned' : ''})
            </option>
          )),
        )}
      </select>
    </label>
  );
}
