// The load panel's form: text fields in, checked load.start parameters (or what is wrong) out.
import type { LoadParams } from '../../../../shared/bridge/contract';
import { errorMessage } from '../../lib/error-message';

export interface FormState {
  connections: string;
  rateMs: string;
  durationMs: string;
  uri: string;
  payload: string;
  timeoutMs: string;
}

export const DEFAULTS: FormState = {
  connections: '4',
  rateMs: '-1',
  durationMs: '2000',
  uri: 'test.echo',
  payload: 'hello',
  timeoutMs: '5000',
};

/** The form's numbers, or what is wrong with them. */
export function loadParams(f: FormState): { params?: LoadParams; error?: string } {
  const int = (v: string, name: string, min: number, max: number) => {
    const n = Number(v);
    if (v.trim() === '' || !Number.isInteger(n) || n < min || n > max)
      throw new Error(`${name} must be a whole number from ${min} to ${max}`);
    return n;
  };
  try {
    const rate = int(f.rateMs, 'rate', -1, 60_000);
    if (!f.uri.trim()) throw new Error('give a URI to call');
    return {
      params: {
        connections: int(f.connections, 'connections', 1, 5000),
        rateMs: rate,
        durationMs: int(f.durationMs, 'duration', 100, 600_000),
        uri: f.uri.trim(),
        payload: f.payload,
        timeoutMs: int(f.timeoutMs, 'timeout', 1, 600_000),
      },
    };
  } catch (err) {
    return { error: errorMessage(err) };
  }
}
