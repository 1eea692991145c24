// Handler files: names any URI can take, atomic writes, unreadable files skipped and reported.
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { fileNameFor, HandlerStore, type StoredHandler } from './handler-store';

const dirs: string[] = [];
afterAll(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

test('a URI becomes one safe file name: no separators, no Windows-reserved characters, bounded length', () => {
  expect(fileNameFor('test.echo')).toBe('test.echo.json');
  expect(fileNameFor('a/b\\c:*?"<>|')).toBe('a%2Fb%5Cc%3A%2A%3F%22%3C%3E%7C.json');
  expect(fileNameFor('..')).toBe('%2E..json');
  const long = fileNameFor('x'.repeat(1000));
  expect(long.length).toBeLessThanOrEqual(255);
  expect(long).not.toBe(fileNameFor(`${'x'.repeat(999)}y`));
});

test('saved handlers load back; a broken file is reported and skipped; no temp files remain', async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'handler-store-'));
  dirs.push(dataDir);
  const store = new HandlerStore(dataDir);
  const h: StoredHandler = {
    uri: 'a/b',
    language: 'ts',
    source: 'export default () => 1',
    version: 3,
    updatedAt: '2026-01-01T00:00:00.000Z',
    stopped: false,
  };
  await store.save(h);
  await store.save({ ...h, version: 4 });
  await writeFile(join(store.dir, 'broken.json'), '{"uri":');
  const bad: string[] = [];
  expect(await store.load((file) => bad.push(file))).toEqual([{ ...h, version: 4 }]);
  expect(bad).toEqual([join(store.dir, 'broken.json')]);
  expect((await readdir(store.dir)).sort()).toEqual(['a%2Fb.json', 'broken.json']);
  await store.remove('a/b');
  expect(await store.load(() => undefined)).toEqual([]);
  expect(await new HandlerStore(join(dataDir, 'nowhere')).load(() => undefined)).toEqual([]);
});
