// Raises the alarm when a remote copy has differed from its source for longer than the batching window.
import { useEffect } from 'react';
import { DIVERGENCE_WINDOW_MS } from './divergence';
import { syncStore, useSyncStore } from './use-sync-store';

export function DivergenceAlarm() {
  const divergence = useSyncStore((s) => s.divergence);
  useEffect(() => {
    // the copies can stay apart without any new event: re-check on a clock
    const t = setInterval(() => syncStore().getState().checkDivergence(), 200);
    return () => clearInterval(t);
  }, []);
  const alarms = divergence.filter((d) => d.alarm);
  if (divergence.length === 0) return null;
  if (alarms.length === 0)
    return (
      <div className="sv-in-step" data-testid="sync-in-step">
        {divergence.some((d) => d.diverged) ? 'a change is on its way…' : 'replicas in step'}
      </div>
    );
  return (
    <div className="sv-alarm" role="alert" data-testid="sync-divergence-alarm">
      {alarms.map((a) => (
        <div key={a.id}>
          {a.mirror}'s remote copy differs from {a.owner}'s local data for {((Date.now() - (a.since ?? Date.now())) / 1000).toFixed(1)} s
          (more than the {DIVERGENCE_WINDOW_MS} ms window)
        </div>
      ))}
    </div>
  );
}
