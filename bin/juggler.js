#!/usr/bin/env node
'use strict';
// The built CLI (npm run build). From a source checkout without a build: npx tsx src/embedded-server/cli/main.ts
const { join } = require('node:path');
const { existsSync } = require('node:fs');
const entry = join(__dirname, '..', 'dist', 'embedded-server', 'cli', 'main.js');
if (!existsSync(entry)) {
  console.error('juggler: the CLI is not built yet. Run `npm run build` first (or `npx tsx src/embedded-server/cli/main.ts`).');
  process.exit(2);
}
const { main, processIO } = require(entry);
main(process.argv.slice(2), processIO()).then(
  (code) => {
    process.exitCode = code;
    setTimeout(() => process.exit(code), 200).unref();
  },
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
