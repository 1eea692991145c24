import { describe, expect, test } from 'vitest';
import type { TraceEvent } from '../../../../shared/trace/events';
import { frame, redisOp } from './test-events';
import { compileFilter, defaultFilter, emptyFilter, eventSource, filterActive, type TraceFilter } from './trace-filter';

/** The filter as a predicate on one event object. */
function predicate(f: Partial<TraceFilter>): (e: TraceEvent) => boolean {
  const match = compileFilter({ ...emptyFilter, ...f }).match!;
  return (e) => match(eventSource([e]), 0);
}

const call = frame({ type: 'CALL', uri: 'test.echo', text: '{"meta":{"type":1},"payload":{"uri":"test.echo","args":"Needle-42"}}' });
const res = frame({ type: 'RES', dir: 'out', uri: 'test.echo', text: '{"meta":{"type":9},"payload":{"args":"x"}}' });
const pop = redisOp({ command: 'BRPOP', key: 'juggler:results:{conn-9}' });

describe('trace filter', () => {
  test('the empty filter lets everything through and is not active', () => {
    expect(compileFilter(emptyFilter).match).toBeUndefined();
    expect(filterActive(emptyFilter)).toBe(false);
  });

  test('kind, type, connection and target narrow down, all of them together', () => {
    const m = predicate;
    expect([call, res, pop].filter(m({ kinds: ['redis'] }))).toEqual([pop]);
    expect([call, res, pop].filter(m({ type: 'RES' }))).toEqual([res]);
    expect([call, res, pop].filter(m({ conn: 'SERVER conn' }))).toEqual([call, res]);
    expect([call, res, pop].filter(m({ target: 'results:' }))).toEqual([pop]);
    expect([call, res, pop].filter(m({ kinds: ['frame'], type: 'CALL', target: 'echo' }))).toEqual([call]);
  });

  test('search finds text in the payload in any case; special characters are literal unless regex', () => {
    const m = (search: string, regex = false) => predicate({ search, regex });
    expect([call, res, pop].filter(m('needle-42'))).toEqual([call]);
    expect([call, res, pop].filter(m('needle-4.'))).toEqual([]);
    expect([call, res, pop].filter(m('needle-4.', true))).toEqual([call]);
    expect([call, res, pop].filter(m('^\\{"meta":\\{"type":9', true))).toEqual([res]);
  });

  test('a leading - or ! excludes what the field names; \\- starts a literal one', () => {
    const m = predicate;
    expect([call, res, pop].filter(m({ conn: '-SERVER conn' }))).toEqual([pop]);
    expect([call, res, pop].filter(m({ target: '!echo' }))).toEqual([pop]);
    expect([call, res, pop].filter(m({ search: '!needle' }))).toEqual([res, pop]);
    expect([call, res, pop].filter(m({ search: '!^\\{"meta":\\{"type":9', regex: true }))).toEqual([call, pop]);
    const dashed = frame({ type: 'CALL', uri: 'a.b', text: '{"payload":{"args":"-7x"}}' });
    expect([call, dashed].filter(m({ search: '\\-7x' }))).toEqual([dashed]);
    // a lone - is a plain search for a dash
    expect([res, dashed].filter(m({ search: '-' }))).toEqual([dashed]);
  });

  test("the Studio's housekeeping (its inspector's redis commands) is hidden by default and shown on request", () => {
    const polling = redisOp({ command: 'SCAN', key: 'juggler:calls:*', role: 'inspector' });
    const hidden = compileFilter(defaultFilter).match!;
    expect([call, pop, polling].filter((e) => hidden(eventSource([e]), 0))).toEqual([call, pop]);
    expect(filterActive(defaultFilter)).toBe(false);
    expect(predicate({ housekeeping: true, kinds: ['redis'] })(polling)).toBe(true);
  });

  test('a broken regular expression is reported and does not filter', () => {
    const c = compileFilter({ ...emptyFilter, search: '(unclosed', regex: true });
    expect(c.error).toMatch(/not a valid regular expression/);
    expect(c.match).toBeUndefined();
  });
});
