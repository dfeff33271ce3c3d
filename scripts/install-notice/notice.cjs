// One line during `npm install` / `npm ci` before better-sqlite3 compiles, which takes about
// two minutes where no prebuilt binary can be downloaded, in silence: npm hides dependencies'
// script output, and the root project's own preinstall runs only after every dependency is
// built. npm runs every package's preinstall before any package's install, so this line comes
// first. It goes to the terminal directly (npm captures stdout); with no terminal (CI) it is
// skipped. Nothing is built or rebuilt here: the driver is built by its own install script, for
// Node (the Electron build is made separately by `npm start` / `npm run dist`).
const fs = require('node:fs');
const path = require('node:path');

const root = process.env.INIT_CWD || process.cwd();
const built = path.join(root, 'node_modules', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node');
if (!fs.existsSync(built)) {
  const line = 'gatehouse: building the SQLite driver (better-sqlite3; about 2 minutes when no prebuilt binary downloads)…';
  try {
    const fd = fs.openSync(process.env.GATEHOUSE_NOTICE_TTY || '/dev/tty', 'w');
    // \r and erase-line: npm's spinner shares the line.
    fs.writeSync(fd, `\r\x1b[K${line}\n`);
    fs.closeSync(fd);
  } catch {
    // No terminal: nothing to say it to.
  }
}
