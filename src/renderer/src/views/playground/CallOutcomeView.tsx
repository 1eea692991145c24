// The result of one CALL: the value, the NACK, the callee's error object or the expiry, with latency.
import { JsonTree } from '../../components/JsonTree';
import { formatMs } from '../../lib/format-ms';
import { outcomeKind } from './call-outcome';
import type { CallRecord } from './playground-store';

export function CallOutcomeView({ record }: { record: CallRecord }) {
  const kind = outcomeKind(record);
  const o = record.outcome;
  return (
    <div className="pg-outcome" data-testid="call-result" data-kind={kind} aria-live="polite">
      <div className="pg-outcome-head">
        <span className={`pg-badge pg-badge-${kind}`} data-testid="call-result-kind">
          {kind === 'pending' ? 'waiting…' : kind === 'callee-error' ? 'callee error' : kind === 'failed' ? 'not sent' : kind}
        </span>
        <span className="mono">{record.uri}</span>
        {o && (
          <span className="pg-latency" data-testid="call-latency" title="From sending the CALL to its RES (or its expiry)">
            {formatMs(o.latencyMs)}
          </span>
        )}
      </div>
      {kind === 'ok' && <JsonTree value={o?.result} data-testid="call-result-value" />}
      {kind === 'expired' && <p className="pg-outcome-text">{expiryText(record)}</p>}
      {kind === 'nack' && (
        <p className="pg-outcome-text">
          Refused by the server: NACK code <strong>{o?.error?.nackCode}</strong>, {o?.error?.message}
        </p>
      )}
      {kind === 'callee-error' && (
        <>
          <p className="pg-outcome-text">The callee answered with an error:</p>
          <JsonTree value={o?.error?.result} data-testid="call-result-error" />
        </>
      )}
      {kind === 'error' && (
        <p className="pg-outcome-text">
          {o?.error?.code}: {o?.error?.message}
        </p>
      )}
      {kind === 'failed' && <p className="pg-outcome-text">The host could not make the call: {record.failure}</p>}
    </div>
  );
}

/** Which timeout lapsed, then where the time went (from the call's chain) or what to check. */
function expiryText(record: CallRecord): string {
  const e = record.outcome?.error;
  const timeoutMs = e?.timeoutMs ?? record.timeoutMs;
  const head = `Expired: no result within ${timeoutMs !== undefined ? `${timeoutMs} ms` : 'the default timeout'}`;
  if (e?.detail) return `${head}; ${e.detail}.`;
  return `${head}. Raise the timeout, or check that a callee serves ${record.uri}.`;
}
