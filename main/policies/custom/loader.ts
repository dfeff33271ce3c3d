/**
 * Custom policy files: compiled with esbuild (TypeScript or JavaScript, one file or a folder,
 * bundled to one CommonJS text, `gatehouse/policy-sdk` left to the runtime), then run with a
 * fresh module/require of their own and checked. Compiling and running are separate, so a
 * Docker replica runs the exact code (and checksum) the control plane compiled, without
 * esbuild. Every error names the file, with line and column where there is one: esbuild's
 * location for a compile error, the inline source map for an error thrown while loading or
 * later in a hook.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createRequire, SourceMap } from 'node:module';
import path from 'node:path';
import vm from 'node:vm';
import type { JsonSchema } from '../../../shared/policy-sdk';
import * as policySdk from '../../../shared/policy-sdk';
import type { PolicyCatalogueEntry, PolicyFieldUi } from '../../../shared/policies/catalogue-entry';
import type { PolicyDefinition } from '../types';
import { adaptCustomPolicy, DEFAULT_BLOCK_LIMIT_MS, type HookWatch } from './adapter';
import { checkPolicy, configProblem, findExportedPolicy } from './definition-check';

/** What a policy file imports; resolved to this process's own SDK, never bundled. */
export const POLICY_SDK_MODULE = 'gatehouse/policy-sdk';

export interface CustomPolicyError {
  file: string;
  line?: number;
  column?: number;
  message: string;
}

export interface CompiledCustomPolicy {
  name: string;
  version: string;
  title?: string;
  description?: string;
  schema: JsonSchema;
  fields?: Record<string, PolicyFieldUi>;
  /** Absolute path of the file or folder it was loaded from. */
  source: string;
  /** The bundled CommonJS code. */
  code: string;
  /** sha256 (hex) of `code`. */
  checksum: string;
  /** Ready for the gateway: validates its config with `schema`, then adapts the SDK's hooks. */
  definition: PolicyDefinition;
  /** Like a built-in's: zod schema (from the JSON Schema), title, defaults, form fields. */
  catalogueEntry: PolicyCatalogueEntry;
}

export type CustomPolicyLoad = { ok: true; policy: CompiledCustomPolicy } | { ok: false; error: CustomPolicyError };

export interface InstantiateOptions {
  /** Where blocking hooks are reported (default: the gateway log only, 200 ms limit). */
  watch?: HookWatch;
}

const ENTRY_NAMES = ['index.ts', 'index.mts', 'index.js', 'index.mjs', 'policy.ts', 'policy.js'];
const FILE_EXTENSIONS = /\.(?:[cm]?[jt]s|tsx|jsx)$/;

/** The file esbuild starts from: the file itself, or a folder's package.json `main` or index file. */
function entryPointOf(source: string): { ok: true; file: string } | { ok: false; error: CustomPolicyError } {
  if (!existsSync(source)) return { ok: false, error: { file: source, message: 'no such file or folder' } };
  if (!statSync(source).isDirectory()) return { ok: true, file: source };
  const manifest = path.join(source, 'package.json');
  if (existsSync(manifest)) {
    try {
      const main = (JSON.parse(readFileSync(manifest, 'utf8')) as { main?: unknown }).main;
      if (typeof main === 'string' && existsSync(path.join(source, main))) return { ok: true, file: path.join(source, main) };
    } catch (error) {
      return { ok: false, error: { file: manifest, message: `not valid JSON: ${(error as Error).message}` } };
    }
  }
  const found = ENTRY_NAMES.map((name) => path.join(source, name)).find((file) => existsSync(file));
  if (found === undefined) return { ok: false, error: { file: source, message: `a policy folder needs package.json "main" or one of ${ENTRY_NAMES.join(', ')}` } };
  return { ok: true, file: found };
}

/** The folder a bundle's relative source-map paths and its require() start from. */
function baseDirOf(source: string): string {
  return FILE_EXTENSIONS.test(source) ? path.dirname(source) : source;
}

export async function compileCustomPolicy(sourcePath: string): Promise<{ ok: true; code: string; checksum: string } | { ok: false; error: CustomPolicyError }> {
  const source = path.resolve(sourcePath);
  const entry = entryPointOf(source);
  if (!entry.ok) return entry;
  const baseDir = baseDirOf(source);
  // Loaded on first use: a replica that only runs shipped code never needs esbuild.
  let esbuild: typeof import('esbuild');
  try {
    esbuild = await import('esbuild');
  } catch (error) {
    // The gateway image has no esbuild: a single CommonJS file runs as it is, which is what
    // `gatehouse export --format kubernetes|compose` ships (the kept bundle, already compiled).
    if (entry.file === source && /\.c?js$/.test(source)) {
      const code = readFileSync(source, 'utf8');
      return { ok: true, code, checksum: checksumOf(code) };
    }
    return { ok: false, error: { file: entry.file, message: `esbuild is not available to compile custom policies (only a CommonJS .js/.cjs file runs without it): ${(error as Error).message}` } };
  }
  try {
    const result = await esbuild.build({
      entryPoints: [entry.file],
      absWorkingDir: baseDir,
      outfile: path.join(baseDir, 'policy.bundle.cjs'),
      bundle: true,
      write: false,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      external: [POLICY_SDK_MODULE],
      sourcemap: 'inline',
      sourcesContent: false,
      logLevel: 'silent',
    });
    const code = result.outputFiles.find((file) => file.path.endsWith('.cjs'))!.text;
    return { ok: true, code, checksum: checksumOf(code) };
  } catch (error) {
    const first = (error as { errors?: { text: string; location?: { file: string; line: number; column: number } | null }[] }).errors?.[0];
    if (first === undefined) return { ok: false, error: { file: entry.file, message: (error as Error).message } };
    const location = first.location;
    if (!location) return { ok: false, error: { file: entry.file, message: first.text } };
    return { ok: false, error: { file: path.resolve(baseDir, location.file), line: location.line, column: location.column + 1, message: first.text } };
  }
}

export function checksumOf(code: string): string {
  return createHash('sha256').update(code).digest('hex');
}

const WRAPPER_LINES = 1;

export function instantiateCustomPolicy(code: string, source: string, options: InstantiateOptions = {}): CustomPolicyLoad {
  const file = path.resolve(source);
  const baseDir = baseDirOf(file);
  const locate = sourceLocator(code, file, baseDir);
  const failure = (error: unknown, prefix: string): CustomPolicyLoad => {
    const position = locate.position(error);
    return { ok: false, error: { file: position?.file ?? file, line: position?.line, column: position?.column, message: `${prefix}${(error as Error)?.message ?? String(error)}` } };
  };
  const fallback = createRequire(path.join(baseDir, 'policy.bundle.cjs'));
  const requireFor = (id: string): unknown => (id === POLICY_SDK_MODULE ? policySdk : fallback(id));
  const module = { exports: {} as unknown };
  let run: (exports: unknown, require: (id: string) => unknown, module: unknown, filename: string, dirname: string) => void;
  try {
    run = vm.runInThisContext(`(function (exports, require, module, __filename, __dirname) {\n${code}\n})`, { filename: locate.filename });
  } catch (error) {
    return failure(error, 'the compiled code does not parse: ');
  }
  try {
    run.call(module.exports, module.exports, requireFor, module, file, baseDir);
  } catch (error) {
    return failure(error, 'loading failed: ');
  }
  const found = findExportedPolicy(module.exports);
  if (!found.ok) return { ok: false, error: { file, message: found.message } };
  const checked = checkPolicy(found.policy, file);
  if (!checked.ok) return { ok: false, error: { file, message: checked.message } };
  const { policy, schema, entry } = checked.checked;
  const watch: HookWatch = options.watch ?? { limitMs: DEFAULT_BLOCK_LIMIT_MS, report: () => {} };
  const definition: PolicyDefinition = {
    name: policy.name,
    create(config, context) {
      const parsed = configProblem(schema, config);
      if (!parsed.ok) throw new Error(parsed.message);
      return adaptCustomPolicy(policy, parsed.config, context, watch, locate.describe);
    },
  };
  return {
    ok: true,
    policy: {
      name: policy.name,
      version: policy.version,
      ...(policy.title === undefined ? {} : { title: policy.title }),
      ...(policy.description === undefined ? {} : { description: policy.description }),
      schema: policy.schema,
      ...(entry.fields === undefined ? {} : { fields: entry.fields }),
      source: file,
      code,
      checksum: checksumOf(code),
      definition,
      catalogueEntry: entry,
    },
  };
}

export async function loadCustomPolicy(sourcePath: string, options: InstantiateOptions = {}): Promise<CustomPolicyLoad> {
  const compiled = await compileCustomPolicy(sourcePath);
  if (!compiled.ok) return compiled;
  return instantiateCustomPolicy(compiled.code, path.resolve(sourcePath), options);
}

interface SourcePosition {
  file: string;
  line: number;
  column: number;
}

/**
 * Maps a stack frame in the bundle back to the policy's own file and line through the bundle's
 * inline source map (parsed only when an error needs it).
 */
function sourceLocator(code: string, file: string, baseDir: string) {
  const filename = `gatehouse-policy:${file}`;
  const frame = new RegExp(`${escapeRegExp(filename)}:(\\d+):(\\d+)`);
  let map: SourceMap | null | undefined;
  const sourceMap = (): SourceMap | null => {
    if (map !== undefined) return map;
    const match = /\/\/# sourceMappingURL=data:application\/json;base64,([A-Za-z0-9+/=]+)\s*$/.exec(code);
    try {
      map = match ? new SourceMap(JSON.parse(Buffer.from(match[1]!, 'base64').toString('utf8'))) : null;
    } catch {
      map = null;
    }
    return map;
  };
  const position = (error: unknown): SourcePosition | undefined => {
    const stack = (error as Error)?.stack;
    const match = typeof stack === 'string' ? frame.exec(stack) : null;
    if (!match) return undefined;
    const line = Number(match[1]) - 1 - WRAPPER_LINES;
    const column = Number(match[2]) - 1;
    const entry = sourceMap()?.findEntry(line, column) as { originalSource?: string; originalLine?: number; originalColumn?: number } | undefined;
    if (entry?.originalSource === undefined || entry.originalLine === undefined) return undefined;
    const original = entry.originalSource.startsWith('file://') ? new URL(entry.originalSource).pathname : path.resolve(baseDir, entry.originalSource);
    return { file: original, line: entry.originalLine + 1, column: (entry.originalColumn ?? 0) + 1 };
  };
  return {
    filename,
    position,
    describe: (error: unknown): string => {
      const message = error instanceof Error ? error.message : String(error);
      const at = position(error);
      return at === undefined ? message : `${message} (${at.file}:${at.line}:${at.column})`;
    },
  };
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
