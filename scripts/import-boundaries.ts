/**
 * The dependency rules of DESIGN.md, checked over the source tree (the repository's lint rule):
 * - only main/electron/ imports 'electron';
 * - shared/ and renderer/ import nothing Node-only (node:*, builtins, native or server packages);
 * - inside main/, imports point one way: electron → server/control → store, docker, alerts,
 *   config → gateway → policies → shared.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';

export interface BoundaryViolation {
  file: string;
  line: number;
  specifier: string;
  rule: string;
}

const NODE_ONLY_PACKAGES = new Set(['better-sqlite3', 'dockerode', 'http-proxy', 'ws', 'electron', 'autocannon']);
const BUILTINS = new Set(builtinModules);

/** Layer rank of a top-level folder of main/; a module may import only from ranks ≤ its own. */
const MAIN_LAYERS: Record<string, number> = {
  policies: 1,
  gateway: 2,
  demo: 2,
  config: 3,
  store: 3,
  docker: 3,
  alerts: 3,
  control: 4,
  server: 4,
  cli: 5,
  'cli.ts': 5,
  electron: 6,
};

const IMPORT_PATTERN = /(?:import|export)\s+(type\s+)?(?:[^'"`;]*?\s+from\s+)?['"]([^'"]+)['"]|(?:require|import)\(\s*['"]([^'"]+)['"]\s*\)/g;

function listSources(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir)) {
    if (entry === 'node_modules' || entry === 'dist') continue;
    const full = path.join(dir, entry);
    if (statSync(full).isDirectory()) out.push(...listSources(full));
    else if (/\.(ts|tsx|mts|cts)$/.test(entry) && !entry.endsWith('.d.ts')) out.push(full);
  }
  return out;
}

function isTestFile(file: string): boolean {
  return /\.(test|spec)\.tsx?$/.test(file) || /(^|\/)testing(\/|\.ts$)/.test(file) || /\.config\.ts$/.test(file);
}

function layerOf(relative: string): { area: string; rank?: number } {
  const parts = relative.split('/');
  if (parts[0] !== 'main') return { area: parts[0]! };
  const key = parts.length === 2 ? parts[1]! : parts[1]!;
  return { area: `main/${key}`, rank: MAIN_LAYERS[key] };
}

export function findBoundaryViolations(root: string): BoundaryViolation[] {
  const violations: BoundaryViolation[] = [];
  const roots = ['main', 'shared', 'renderer'].map((dir) => path.join(root, dir)).filter((dir) => {
    try {
      return statSync(dir).isDirectory();
    } catch {
      return false;
    }
  });
  for (const file of roots.flatMap(listSources)) {
    const relative = path.relative(root, file).split(path.sep).join('/');
    const source = readFileSync(file, 'utf8');
    const test = isTestFile(relative);
    const own = layerOf(relative);
    for (const match of source.matchAll(IMPORT_PATTERN)) {
      const typeOnly = Boolean(match[1]);
      const specifier = (match[2] ?? match[3])!;
      const line = source.slice(0, match.index).split('\n').length;
      const report = (rule: string) => violations.push({ file: relative, line, specifier, rule });
      const bare = specifier.startsWith('node:') ? specifier : specifier.split('/')[0]!;

      if (specifier === 'electron' && !relative.startsWith('main/electron/'))
        report("only main/electron/ may import 'electron'");

      if ((own.area === 'shared' || own.area === 'renderer') && !test && !typeOnly) {
        if (specifier.startsWith('node:') || BUILTINS.has(bare) || NODE_ONLY_PACKAGES.has(bare))
          report(`${own.area}/ must not import Node-only modules`);
        if (specifier.startsWith('.')) {
          const target = path.relative(root, path.resolve(path.dirname(file), specifier)).split(path.sep).join('/');
          if (target.startsWith('main/')) report(`${own.area}/ must not import from main/`);
        }
      }
      if (own.area === 'shared' && specifier.startsWith('.')) {
        const target = path.relative(root, path.resolve(path.dirname(file), specifier)).split(path.sep).join('/');
        if (target.startsWith('renderer/')) report('shared/ must not import from renderer/');
      }

      if (own.rank !== undefined && !test && specifier.startsWith('.')) {
        const target = path.relative(root, path.resolve(path.dirname(file), specifier)).split(path.sep).join('/');
        const other = layerOf(target.endsWith('.ts') ? target : target);
        if (target.startsWith('renderer/')) report('main/ must not import from renderer/');
        // Type-only imports of the data plane's input shapes are allowed downward (policies read snapshot types).
        const snapshotTypes = typeOnly && /^main\/gateway\/(snapshot|telemetry)$/.test(target);
        if (other.rank !== undefined && other.rank > own.rank && !snapshotTypes)
          report(`${own.area} (layer ${own.rank}) must not import ${other.area} (layer ${other.rank}): dependencies point one way`);
      }
    }
  }
  return violations;
}
