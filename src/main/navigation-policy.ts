// Where the app's web contents may go. Pure so it can be tested without Electron; security.ts applies it.
//
// The window only ever shows the app itself. Anything else is refused; https links are handed to the
// user's browser, where they cannot reach the preload bridge. Plain http and every other scheme
// (file:, javascript:, custom protocols) are refused outright.

export type NavigationDecision = 'allow' | 'open-external' | 'deny';

/** True when `target` is a page of the app loaded from `appUrl` (the index.html file or the dev server). */
export function isAppUrl(target: string, appUrl: string): boolean {
  const t = parse(target);
  const app = parse(appUrl);
  if (!t || !app) return false;
  // Every file: URL has the origin "null", so compare the file itself rather than the origin.
  if (app.protocol === 'file:') return t.protocol === 'file:' && t.pathname === app.pathname;
  return t.origin === app.origin;
}

/** What to do when the window is about to navigate to `target`. */
export function decideNavigation(target: string, appUrl: string): NavigationDecision {
  if (isAppUrl(target, appUrl)) return 'allow';
  return decideWindowOpen(target);
}

/** What to do with `window.open` or a `target=_blank` link: the app never opens a second window. */
export function decideWindowOpen(target: string): Exclude<NavigationDecision, 'allow'> {
  return parse(target)?.protocol === 'https:' ? 'open-external' : 'deny';
}

function parse(url: string): URL | undefined {
  try {
    return new URL(url);
  } catch {
    return undefined;
  }
}
