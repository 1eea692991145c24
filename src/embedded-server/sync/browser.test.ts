// The browser-facing peer and client code must run without Node: nothing reachable from browser.ts may
// import node:* or `ws` (they take a WebSocket-like constructor instead).
import { readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { expect, it } from 'vitest';

it('nothing reachable from browser.ts imports node:* or ws', () => {
  const seen = new Set<string>();
  const external = new Set<string>();
  // files by their path from this directory: 'ws-client', '../../shared/json-patch/patch'
  const visit = (name: string) => {
    if (seen.has(name)) return;
    seen.add(name);
    const file = join(__dirname, `${name}.ts`);
    const source = readFileSync(file, 'utf8');
    for (const m of source.matchAll(/^(?:import|export)[^'"]*from '([^']+)'/gm)) {
      const spec = m[1]!;
      if (spec.startsWith('./') || spec.startsWith('../')) visit(relative(__dirname, join(dirname(file), spec)));
      else external.add(spec);
    }
  };
  visit('browser');
  expect(seen.has('ws-client')).toBe(true);
  expect(seen.has('ws-server')).toBe(false);
  expect(seen.has('../../shared/json-patch/patch')).toBe(true);
  expect([...external].sort()).toEqual(['fast-json-patch']);
});
