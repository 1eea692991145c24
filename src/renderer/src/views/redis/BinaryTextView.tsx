// Redis bytes shown as text: the host has escaped what is not printable UTF-8 (`\xNN`), and says when
// a text was cut or is not the exact bytes (base64 travels alongside). Long values stay on one line,
// clipped, with the whole text in the tooltip: hostile data must not break the layout.
import type { RedisSnapshot } from '../../../../shared/bridge/contract';

type BinaryText = RedisSnapshot['pubsub']['channels'][number]['channel'];

export function BinaryTextView({ value, className }: { value: BinaryText; className?: string }) {
  return (
    <span className={`mono rv-clip ${className ?? ''}`} title={value.text}>
      {value.text}
      {value.base64 !== undefined && !value.truncated && (
        <span className="rv-badge" title="not printable UTF-8: shown escaped">
          bytes
        </span>
      )}
      {value.truncated && <span className="rv-muted"> … ({value.bytes} bytes)</span>}
    </span>
  );
}
