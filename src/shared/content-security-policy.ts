// The renderer's Content-Security-Policy: only the app's own files, plus websockets to a host on the
// loopback interface (the embedded server and the web-mode bridge). The Electron shell (src/main/security.ts)
// and the web host (src/web/static-files.ts) send it as a response
// header; src/renderer/index.html carries the same policy in a meta tag (a test keeps the two equal),
// which covers file: loads where no response headers exist.
//
// frame-ancestors is left out because browsers ignore it in a meta tag; the app is never framed anyway.

export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "font-src 'self'",
  "connect-src 'self' ws://127.0.0.1:*",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');
