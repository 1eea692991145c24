// Debian's Chromium as the e2e suite and the UI benchmark launch it: the flags keep it from reaching the
// internet (background networking, component updates, sync) and run it without a sandbox or GPU, as a
// container needs.
export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const chromiumArgs = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
