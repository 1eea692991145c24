// One patch operation on one line, with the value it overwrites beside the new one: `replace /note
// "second edit"` then `was "first edit"` (issue 13: a diff showed only the new value).
import { formatOp, formatValue, type OpWithOld } from './revisions';

export function OpLine({ entry, testId }: { entry: OpWithOld; testId?: string }) {
  const kind = (entry.op as { op?: string }).op ?? 'x';
  return (
    <li data-testid={testId} className={`sv-op sv-op-${kind}`}>
      <span className="sv-op-new">{formatOp(entry.op)}</span>
      {entry.old && (
        <span className="sv-op-old" data-testid="op-old" title="the value before this operation">
          {' '}
          was {formatValue(entry.old.value)}
        </span>
      )}
    </li>
  );
}
