// How much sync history the host and this view hold, their bounds, and what each let go (issue 11,
// item 6), and the pin that keeps the selected server peer after it closes.
import { syncStore, useSyncStore } from './use-sync-store';

/** Text sizes (UTF-16 units of JSON, see shared/json-size.ts) the way the bounds are written. */
function size(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1 << 20) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / (1 << 20)).toFixed(1)} MiB`;
}

const count = new Intl.NumberFormat('en-US');

export function HistoryBounds() {
  const held = useSyncStore((s) => s.held);
  const host = useSyncStore((s) => s.hostHistory);
  return (
    <div className="sv-bounds sv-muted" data-testid="sync-bounds">
      {host && (
        <div data-testid="sync-bounds-host">
          Host: {count.format(host.heldChanges)} changes ({size(host.heldBytes)} of patches) held, at most {count.format(host.maxChanges)}{' '}
          per replica and {size(host.maxBytes)}; let go {count.format(host.droppedChanges)} old changes ({size(host.droppedBytes)}) and{' '}
          {count.format(host.droppedPeers)} closed peers.
        </div>
      )}
      <div data-testid="sync-bounds-view">
        This view: {count.format(held.changes)} changes ({size(held.bytes)}) held, at most {count.format(held.maxChanges)} per replica and{' '}
        {size(held.maxBytes)}; let go {count.format(held.droppedChanges)} ({size(held.droppedBytes)}).
      </div>
    </div>
  );
}

/** A closed server peer is forgotten with its history unless pinned; the Studio client is always kept. */
export function PinControl() {
  const selected = useSyncStore((s) => s.selected);
  const peer = useSyncStore((s) => s.peers.find((p) => p.peerId === s.selected?.peerId));
  if (!selected || !peer || peer.role !== 'server') return null;
  return (
    <label title="A closed connection is forgotten with its history unless it is pinned">
      <input
        type="checkbox"
        checked={peer.pinned ?? false}
        onChange={(e) => void syncStore().getState().pin(peer.peerId, e.target.checked)}
        data-testid="sync-pin"
      />{' '}
      Pin {peer.peerId} (keep it after it closes)
    </label>
  );
}
