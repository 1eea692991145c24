// The scripts Go also sends must hash to the SHA1s of the Go recording: EVALSHA of ours then hits the
// script Go's servers and callees loaded, and the redis watch reads both alike.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { PTTL_DEL_SCRIPT, PUSH_SCRIPT } from './scripts';

const recording = readFileSync(join(__dirname, '../../../../../shared/conformance/go-redis-monitor.txt'), 'utf8');
const sha1 = (s: string) => createHash('sha1').update(s).digest('hex');

test.each([
  ['push', PUSH_SCRIPT],
  ['pttl-del', PTTL_DEL_SCRIPT],
])('the %s script is byte for byte the one the Go broker sends (its SHA1 is EVALSHA-ed in the recording)', (_name, script) => {
  expect(recording).toContain(`"EVALSHA" "${sha1(script)}"`);
});
