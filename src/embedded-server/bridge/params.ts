// Small checks for bridge params: a frame from the UI is still input, and a wrong one gets a
// BAD_PARAMS error that names the field instead of a TypeError from deep inside the host.
import { BridgeError, BridgeErrorCode } from '../../shared/bridge/errors';

export type Params = Record<string, unknown>;

export function obj(p: unknown, method: string): Params {
  if (typeof p !== 'object' || p === null || Array.isArray(p)) {
    throw new BridgeError(BridgeErrorCode.BadParams, `${method} takes an object of params`);
  }
  return p as Params;
}

export function str(p: Params, field: string, method: string, opts: { optional?: boolean; nonEmpty?: boolean } = {}): string {
  const v = p[field];
  if (v === undefined && opts.optional) return '';
  if (typeof v !== 'string') throw new BridgeError(BridgeErrorCode.BadParams, `${method}: "${field}" must be a string`);
  if (opts.nonEmpty && v === '') throw new BridgeError(BridgeErrorCode.BadParams, `${method}: "${field}" must not be empty`);
  return v;
}

export function num(
  p: Params,
  field: string,
  method: string,
  opts: { optional?: boolean; min?: number; max?: number } = {},
): number | undefined {
  const v = p[field];
  if (v === undefined && opts.optional) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v))
    throw new BridgeError(BridgeErrorCode.BadParams, `${method}: "${field}" must be a number`);
  if (opts.min !== undefined && v < opts.min)
    throw new BridgeError(BridgeErrorCode.BadParams, `${method}: "${field}" must be ≥ ${opts.min}`);
  if (opts.max !== undefined && v > opts.max)
    throw new BridgeError(BridgeErrorCode.BadParams, `${method}: "${field}" must be ≤ ${opts.max}`);
  return v;
}

export function bool(p: Params, field: string, method: string): boolean {
  const v = p[field];
  if (v === undefined) return false;
  if (typeof v !== 'boolean') throw new BridgeError(BridgeErrorCode.BadParams, `${method}: "${field}" must be true or false`);
  return v;
}

export function oneOf<T extends string>(p: Params, field: string, values: readonly T[], method: string): T {
  const v = p[field];
  if (typeof v !== 'string' || !values.includes(v as T)) {
    throw new BridgeError(BridgeErrorCode.BadParams, `${method}: "${field}" must be one of ${values.join(', ')}`);
  }
  return v as T;
}
