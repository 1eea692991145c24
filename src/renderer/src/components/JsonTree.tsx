// A collapsible JSON tree: objects and arrays fold, values are coloured by type, and the whole value
// can be copied. Paths can be highlighted (e.g. the paths a JSON patch touches).
import { useState } from 'react';
import { escapePointerToken } from '../../../shared/json-patch/pointer';
import './json-tree.css';

export interface JsonTreeProps {
  value: unknown;
  /** Levels open at first. Default 2. */
  openDepth?: number;
  /** JSON Pointers (RFC 6901) to highlight, e.g. from a patch's operations. */
  highlight?: ReadonlySet<string>;
  /** Show a "Copy" button that copies the value as formatted JSON. Default true. */
  copyable?: boolean;
  'data-testid'?: string;
}

function hasHighlightBelow(path: string, highlight: ReadonlySet<string> | undefined): boolean {
  if (!highlight) return false;
  const prefix = `${path}/`;
  for (const p of highlight) if (p.startsWith(prefix)) return true;
  return false;
}

function Scalar({ v }: { v: unknown }) {
  if (v === null) return <span className="jt-null">null</span>;
  switch (typeof v) {
    case 'string':
      return <span className="jt-string">{JSON.stringify(v)}</span>;
    case 'number':
      return <span className="jt-number">{String(v)}</span>;
    case 'boolean':
      return <span className="jt-bool">{String(v)}</span>;
    default:
      return <span className="jt-other">{String(v)}</span>;
  }
}

function Node({
  name,
  value,
  path,
  depth,
  openDepth,
  highlight,
}: {
  name?: string;
  value: unknown;
  path: string;
  depth: number;
  openDepth: number;
  highlight?: ReadonlySet<string>;
}) {
  // a highlighted path deeper than openDepth still shows: its ancestors start open
  const [open, setOpen] = useState(depth < openDepth || hasHighlightBelow(path, highlight));
  const isArray = Array.isArray(value);
  const isObject = typeof value === 'object' && value !== null;
  const hl = highlight?.has(path) ? ' jt-hl' : '';
  const label = name !== undefined ? <span className="jt-key">{name}: </span> : null;
  if (!isObject) {
    return (
      <div className={`jt-row${hl}`} data-path={path}>
        {label}
        <Scalar v={value} />
      </div>
    );
  }
  const entries: [string, unknown][] = isArray ? (value as unknown[]).map((v, i) => [String(i), v]) : Object.entries(value as object);
  const summary = isArray ? `[${entries.length}]` : `{${entries.length}}`;
  return (
    <div className={`jt-node${hl}`} data-path={path}>
      <button type="button" className="jt-toggle" aria-expanded={open} onClick={() => setOpen(!open)}>
        {open ? '▾' : '▸'}
      </button>
      {label}
      <span className="jt-summary">{summary}</span>
      {open && (
        <div className="jt-children">
          {entries.map(([k, v]) => (
            <Node
              key={k}
              name={k}
              value={v}
              path={`${path}/${escapePointerToken(k)}`}
              depth={depth + 1}
              openDepth={openDepth}
              highlight={highlight}
            />
          ))}
        </div>
      )}
    </div>
  );
}

export function JsonTree({ value, openDepth = 2, highlight, copyable = true, ...rest }: JsonTreeProps) {
  const [copied, setCopied] = useState(false);
  const copy = async () => {
    await navigator.clipboard.writeText(JSON.stringify(value, null, 2));
    setCopied(true);
    setTimeout(() => setCopied(false), 1200);
  };
  return (
    <div className="jt mono" data-testid={rest['data-testid']}>
      {copyable && (
        <button type="button" className="jt-copy" onClick={() => void copy()} title="Copy as JSON">
          {copied ? 'Copied' : 'Copy'}
        </button>
      )}
      <Node value={value} path="" depth={0} openDepth={openDepth} highlight={highlight} />
    </div>
  );
}
