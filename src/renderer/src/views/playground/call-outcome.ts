// How a call ended, in the words the UI uses: one kind per way a juggler CALL can end.
import type { CallRecord } from './playground-store';

export type OutcomeKind = 'pending' | 'ok' | 'expired' | 'nack' | 'callee-error' | 'error' | 'failed';

export function outcomeKind(r: CallRecord): OutcomeKind {
  if (r.state === 'pending') return 'pending';
  if (r.state === 'failed' || !r.outcome) return 'failed';
  const o = r.outcome;
  if (o.ok) return 'ok';
  if (o.error?.code === 'EXPIRED') return 'expired';
  if (o.error?.nackCode !== undefined) return 'nack';
  if (o.error?.result !== undefined) return 'callee-error';
  return 'error';
}

/** A short label for lists: "ok", "expired", "NACK 503", "callee error", the error code. */
export function outcomeLabel(r: CallRecord): string {
  const kind = outcomeKind(r);
  switch (kind) {
    case 'pending':
      return 'waiting';
    case 'nack':
      return `NACK ${r.outcome?.error?.nackCode}`;
    case 'callee-error':
      return 'callee error';
    case 'error':
      return r.outcome?.error?.code ?? 'error';
    case 'failed':
      return 'not sent';
    default:
      return kind;
  }
}

/** One line of JSON for lists, cut at `max` characters. */
export function compactJson(v: unknown, max = 120): string {
  let s: string;
  try {
    s = JSON.stringify(v) ?? String(v);
  } catch {
    s = String(v);
  }
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}
