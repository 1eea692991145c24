// What does not fit juggler's picture: sections the inspector could not read, a scan cut short, keys of
// unknown kinds, lists holding another type, BRPOP clients nobody can attribute to a URI.
import type { RedisSnapshot } from '../../../../shared/bridge/contract';
import { BinaryTextView } from './BinaryTextView';

export function SnapshotAnomalies({ snapshot: s }: { snapshot: RedisSnapshot }) {
  const items: React.ReactNode[] = [];
  for (const i of s.issues) items.push(<li key={`issue-${i.section}-${i.message}`}>{`${i.section}: ${i.message}`}</li>);
  if (s.scan.truncated) items.push(<li key="truncated">The scan stopped at {s.scan.maxKeys} keys: the figures are lower bounds.</li>);
  for (const m of s.typeMismatches)
    items.push(
      <li key={`wrong-${m.key.base64 ?? m.key.text}`}>
        <BinaryTextView value={m.key} /> should be a {m.expected} but is a {m.actual}
      </li>,
    );
  if (s.otherKeys.count > 0)
    items.push(
      <li key="other">
        {s.otherKeys.count} keys under juggler: of no known kind, e.g.{' '}
        {s.otherKeys.sample.slice(0, 5).map((k) => (
          <span key={k.key.base64 ?? k.key.text}>
            <BinaryTextView value={k.key} /> ({k.type}){' '}
          </span>
        ))}
      </li>,
    );
  if (s.waiters.unattributed.length > 0)
    items.push(
      <li key="unattributed">
        {s.waiters.unattributed.length} clients wait in BRPOP on lists their names do not tell (Go callees?):{' '}
        {s.waiters.unattributed
          .slice(0, 5)
          .map((w) => `${w.name || w.addr} (${w.idleS} s)`)
          .join(', ')}
      </li>,
    );
  if (s.waiters.partiallyNamedCallees > 0)
    items.push(<li key="partial">{s.waiters.partiallyNamedCallees} callee connections serve more URIs than their names list.</li>);
  if (items.length === 0) return null;
  return (
    <section className="rv-section rv-anomalies" aria-label="Anomalies" data-testid="redis-anomalies">
      <ul>{items}</ul>
    </section>
  );
}
