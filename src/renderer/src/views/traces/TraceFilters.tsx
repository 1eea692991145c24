// The filter bar: kinds, type, connection, URI/channel/key, free text or regex search, and a line
// that says whenever the filters hide events.
import { useEffect, useRef, useState } from 'react';
import { useStore } from 'zustand';
import type { TraceKind } from '../../../../shared/trace/events';
import { type TraceFilter, traceKinds } from './trace-filter';
import type { TraceView } from './trace-view';

const integer = new Intl.NumberFormat();

/** A text filter applied once typing pauses: each change re-scans the log. */
function useDebounced(value: string, apply: (v: string) => void, ms = 150): void {
  const latest = useRef({ value, apply });
  latest.current = { value, apply };
  // biome-ignore lint/correctness/useExhaustiveDependencies: `apply` is a fresh closure each render; the value is what matters
  useEffect(() => {
    const t = setTimeout(() => apply(value), ms);
    return () => clearTimeout(t);
  }, [value, ms]);
  // leaving the view within the delay applies the edit rather than losing it
  useEffect(() => () => latest.current.apply(latest.current.value), []);
}

function TextFilter({
  view,
  field,
  label,
  placeholder,
  inputRef,
  testId,
}: {
  view: TraceView;
  field: 'conn' | 'target' | 'search';
  label: string;
  placeholder: string;
  inputRef?: React.Ref<HTMLInputElement>;
  testId: string;
}) {
  const applied = useStore(view.store, (s) => s.filter[field]);
  const [text, setText] = useState(applied);
  // a reset from outside (clear filters) shows in the box
  useEffect(() => setText(applied), [applied]);
  useDebounced(text, (v) => {
    if (v !== view.store.getState().filter[field]) view.setFilter({ [field]: v } as Partial<TraceFilter>);
  });
  return (
    <label className="tf-field">
      <span className="tf-label">{label}</span>
      <input
        ref={inputRef}
        type="search"
        value={text}
        placeholder={placeholder}
        data-testid={testId}
        onChange={(e) => setText(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter') view.setFilter({ [field]: text } as Partial<TraceFilter>);
          if (e.key === 'Escape') (e.target as HTMLInputElement).blur();
        }}
      />
    </label>
  );
}

function KindToggle({ view, kind }: { view: TraceView; kind: TraceKind }) {
  const on = useStore(view.store, (s) => s.filter.kinds.includes(kind));
  return (
    <button
      type="button"
      className="tf-kind"
      data-kind={kind}
      aria-pressed={on}
      data-testid={`trace-kind-${kind}`}
      onClick={() => {
        const kinds = view.store.getState().filter.kinds;
        view.setFilter({ kinds: on ? kinds.filter((k) => k !== kind) : [...kinds, kind] });
      }}
    >
      {kind}
    </button>
  );
}

export function TraceFilters({ view, searchRef }: { view: TraceView; searchRef: React.Ref<HTMLInputElement> }) {
  const type = useStore(view.store, (s) => s.filter.type);
  const types = useStore(view.store, (s) => s.types);
  const regex = useStore(view.store, (s) => s.filter.regex);
  const filtering = useStore(view.store, (s) => s.filtering);
  const filterError = useStore(view.store, (s) => s.filterError);
  const rows = useStore(view.store, (s) => s.matched);
  const held = useStore(view.store, (s) => s.held);
  const scan = useStore(view.store, (s) => s.scan);
  const housekeeping = useStore(view.store, (s) => s.filter.housekeeping);
  return (
    <search className="tf" aria-label="Filter trace events">
      <fieldset className="tf-kinds" aria-label="Kinds (none pressed: all)">
        {traceKinds.map((k) => (
          <KindToggle key={k} view={view} kind={k} />
        ))}
      </fieldset>
      <label className="tf-field">
        <span className="tf-label">type</span>
        <select value={type} data-testid="trace-type" onChange={(e) => view.setFilter({ type: e.target.value })}>
          <option value="">any</option>
          {type && !types.includes(type) && <option value={type}>{type}</option>}
          {types.map((t) => (
            <option key={t} value={t}>
              {t}
            </option>
          ))}
        </select>
      </label>
      <TextFilter view={view} field="conn" label="connection" placeholder="server c1…  (-x: exclude)" testId="trace-conn" />
      <TextFilter view={view} field="target" label="URI / channel / key" placeholder="test.echo" testId="trace-target" />
      <TextFilter
        view={view}
        field="search"
        label="search"
        placeholder="payload text  ( / )  !x: exclude"
        inputRef={searchRef}
        testId="trace-search"
      />
      <label className="tf-check" title="Search with a regular expression (any case)">
        <input type="checkbox" checked={regex} data-testid="trace-regex" onChange={(e) => view.setFilter({ regex: e.target.checked })} />
        regex
      </label>
      <label className="tf-check" title="Show the Studio's own traffic: the redis commands of its inspector (the Redis view's polling)">
        <input
          type="checkbox"
          checked={housekeeping}
          data-testid="trace-housekeeping"
          onChange={(e) => view.setFilter({ housekeeping: e.target.checked })}
        />
        housekeeping
      </label>
      {filterError && (
        <span className="tf-error" role="alert">
          {filterError}
        </span>
      )}
      {filtering && (
        <span className="tf-hidden" role="status" data-testid="trace-hidden">
          showing {integer.format(rows)} of {integer.format(held)}
          {scan !== undefined && ` (filtering… ${Math.floor(scan * 100)}%)`} —{' '}
          <button type="button" className="link-button" data-testid="trace-clear-filters" onClick={() => view.clearFilters()}>
            clear filters
          </button>
        </span>
      )}
      {!filtering && !housekeeping && rows < held && (
        <span className="tf-hidden" role="status" data-testid="trace-housekeeping-hidden">
          {integer.format(held - rows)} housekeeping events hidden
        </span>
      )}
    </search>
  );
}
