// Hardening applied to every web contents the app creates: the CSP header, navigation and window.open
// refused outside the app, no webviews, no permission prompts. The window itself is created with
// contextIsolation, sandbox and webSecurity on (window.ts).
import { app, type Session, shell, type WebContents } from 'electron';
import { CONTENT_SECURITY_POLICY } from '../shared/content-security-policy';
import { decideNavigation, decideWindowOpen, type NavigationDecision } from './navigation-policy';

export function applySessionSecurity(session: Session): void {
  session.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] } });
  });
  // The app needs no camera, microphone, notifications, geolocation, ...: refuse them all without asking.
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
}

/** Registers the navigation guards for every web contents, including ones created later. */
export function guardWebContents(appUrl: () => string): void {
  app.on('web-contents-created', (_event, contents) => guard(contents, appUrl));
}

function guard(contents: WebContents, appUrl: () => string): void {
  contents.on('will-navigate', (event) => {
    const decision = decideNavigation(event.url, appUrl());
    if (decision === 'allow') return;
    event.preventDefault();
    leave(event.url, decision, 'navigation');
  });
  contents.on('will-redirect', (event) => {
    if (decideNavigation(event.url, appUrl()) === 'allow') return;
    event.preventDefault();
    console.warn(`[security] refused redirect to ${event.url}`);
  });
  contents.setWindowOpenHandler(({ url }) => {
    leave(url, decideWindowOpen(url), 'window.open');
    return { action: 'deny' };
  });
  contents.on('will-attach-webview', (event) => {
    event.preventDefault();
    console.warn('[security] refused to attach a <webview>');
  });
}

function leave(url: string, decision: Exclude<NavigationDecision, 'allow'>, what: string): void {
  if (decision === 'open-external') {
    shell.openExternal(url).catch((err: unknown) => console.error(`[security] could not open ${url} in the browser:`, err));
    return;
  }
  console.warn(`[security] refused ${what} to ${url}: only https links leave the app, and only to the browser`);
}
