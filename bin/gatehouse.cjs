#!/usr/bin/env node
// Thin launcher so `npx gatehouse` runs with plain node: the CLI is bundled to dist/ by `npm run build`.
const path = require('node:path');
const fs = require('node:fs');
const cli = path.join(__dirname, '..', 'dist', 'cli.cjs');
if (!fs.existsSync(cli)) {
  console.error('gatehouse: dist/cli.cjs is missing. Run `npm run build` (or `npm install`, which builds) first.');
  process.exit(1);
}
require(cli);
