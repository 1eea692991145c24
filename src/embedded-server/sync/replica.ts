// One copy of synchronised data (a peer's local data, its mirror of the remote data, a server state) with
// a revision that grows by one on every change. Change events carry the patch and the data before and
// after, so that a UI can scrub through the history of a replica. Revisions share what did not change
// between them (patch.ts applies copy on write): values, befores and afters are read-only.
import { Emitter } from '../../shared/emitter';
import { cloneJson, type JsonValue } from '../../shared/json-patch/json-value';
import { applyPatch, diff, type Patch, type PatchLimits } from '../../shared/json-patch/patch';

export interface ChangeEvent {
  /** 1 for the first change of this replica, then +1 per change; never reused, also across reconnects. */
  readonly revision: number;
  readonly patch: Patch;
  readonly before: JsonValue;
  readonly after: JsonValue;
}

export class Replica extends Emitter<{ change: [ChangeEvent] }> {
  private current: JsonValue = null;
  private rev = 0;

  constructor(private readonly what: string) {
    super();
  }

  get value(): JsonValue {
    return this.current;
  }

  get revision(): number {
    return this.rev;
  }

  /**
   * Replaces the value with a deep copy of `value` (checked: no NaN, Infinity, undefined...), so that the
   * caller mutating its object afterwards cannot change what was recorded or sent. Returns the change, or
   * undefined when the new value equals the current one.
   */
  set(value: unknown): ChangeEvent | undefined {
    const after = cloneJson(value, this.what);
    const patch = diff(this.current, after);
    if (patch.length === 0) return undefined;
    return this.commit(patch, after);
  }

  /**
   * Applies a received patch within `limits`; throws PATCH_FAILED (or TOO_DEEP, TOO_MANY_OPERATIONS) and
   * keeps the current value when it cannot.
   */
  apply(patch: unknown, limits?: PatchLimits): ChangeEvent {
    const after = applyPatch(this.current, patch, limits);
    return this.commit(patch as Patch, after);
  }

  /** Back to null (a closed connection's mirror); a change like any other when the value was not null. */
  reset(): ChangeEvent | undefined {
    if (this.current === null) return undefined;
    return this.commit([{ op: 'replace', path: '', value: null }], null);
  }

  private commit(patch: Patch, after: JsonValue): ChangeEvent {
    const event: ChangeEvent = { revision: ++this.rev, patch, before: this.current, after };
    this.current = after;
    this.emit('change', event);
    return event;
  }
}
