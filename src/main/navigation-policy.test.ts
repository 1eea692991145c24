import { describe, expect, test } from 'vitest';
import { decideNavigation, decideWindowOpen, isAppUrl } from './navigation-policy';

const fileApp = 'file:///opt/juggler-studio/resources/app/out/renderer/index.html';
const devApp = 'http://localhost:5173/';

describe('navigation policy', () => {
  test('the app file itself, with any query or fragment, is the app', () => {
    expect(isAppUrl(fileApp, fileApp)).toBe(true);
    expect(isAppUrl(`${fileApp}?view=trace#call-7`, fileApp)).toBe(true);
  });

  test('any other file is not the app, though every file: URL shares the origin "null"', () => {
    expect(isAppUrl('file:///etc/passwd', fileApp)).toBe(false);
    expect(isAppUrl('file:///opt/juggler-studio/resources/app/out/renderer/other.html', fileApp)).toBe(false);
    expect(decideNavigation('file:///etc/passwd', fileApp)).toBe('deny');
  });

  test('with a dev server the app is its origin, nothing else', () => {
    expect(isAppUrl('http://localhost:5173/src/main.tsx', devApp)).toBe(true);
    expect(isAppUrl('http://localhost:5174/', devApp)).toBe(false);
    expect(isAppUrl('http://127.0.0.1:5173/', devApp)).toBe(false);
  });

  test('leaving the app: https goes to the browser, everything else is refused', () => {
    expect(decideNavigation('https://github.com/juggler', fileApp)).toBe('open-external');
    expect(decideNavigation('http://example.com/', fileApp)).toBe('deny');
    expect(decideNavigation('javascript:alert(1)', fileApp)).toBe('deny');
    expect(decideNavigation('ssh://host', fileApp)).toBe('deny');
    expect(decideNavigation('not a url', fileApp)).toBe('deny');
  });

  test('window.open never opens a window, not even onto the app', () => {
    expect(decideWindowOpen(fileApp)).toBe('deny');
    expect(decideWindowOpen('https://example.com/')).toBe('open-external');
    expect(decideWindowOpen('http://example.com/')).toBe('deny');
  });
});
