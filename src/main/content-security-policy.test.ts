import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { CONTENT_SECURITY_POLICY } from '../shared/content-security-policy';

test("index.html's CSP meta tag carries the same policy as the response header", () => {
  const html = readFileSync(join(__dirname, '../renderer/index.html'), 'utf8');
  const meta = /<meta\s+http-equiv="Content-Security-Policy"\s+content="([^"]*)"/i.exec(html);
  expect(meta, 'index.html has no Content-Security-Policy meta tag').not.toBeNull();
  expect(meta![1]).toBe(CONTENT_SECURITY_POLICY);
});

test('the policy allows only the app itself plus websockets to loopback', () => {
  const directives = new Map(
    CONTENT_SECURITY_POLICY.split(';').map((d) => {
      const [name = '', ...sources] = d.trim().split(/\s+/);
      return [name, sources];
    }),
  );
  expect(directives.get('default-src')).toEqual(["'self'"]);
  expect(directives.get('connect-src')).toEqual(["'self'", 'ws://127.0.0.1:*']);
  for (const [name, sources] of directives) {
    for (const source of sources) {
      expect(["'self'", "'none'", 'ws://127.0.0.1:*'], `${name} allows ${source}`).toContain(source);
    }
  }
});
