// Live TTLs and ages: the figures redis gave at `fetchedAt`, moved on by the local clock between two
// refreshes so a countdown visibly counts down.
import { formatMs } from '../../lib/format-ms';
import { ageNow, ttlLeft } from './redis-store';
import { useNow } from './use-now';

export function TtlCountdown({
  ttlMs,
  fetchedAt,
  expired,
  'data-testid': testId,
}: {
  ttlMs?: number;
  fetchedAt: number;
  expired?: boolean;
  'data-testid'?: string;
}) {
  const now = useNow(100);
  if (expired) return <span className="rv-expired">expired</span>;
  const left = ttlLeft(ttlMs, fetchedAt, now);
  if (left === undefined) return <span className="rv-muted">—</span>;
  return (
    <span className={left === 0 ? 'rv-expired mono' : 'mono'} data-testid={testId} data-ttl-ms={Math.round(left)}>
      {formatMs(left)}
    </span>
  );
}

export function LiveAge({ ageMs, fetchedAt }: { ageMs?: number; fetchedAt: number }) {
  const now = useNow(500);
  return <span className="mono">{formatMs(ageNow(ageMs, fetchedAt, now))}</span>;
}
