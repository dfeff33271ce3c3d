/**
 * Reads config files into plain values that remember where every node was written, so any
 * later error can name `file:line`. Multi-document files; a file or a conf.d directory.
 * `$ENV` references are substituted here, while the line of each string is still known.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { isScalar } from 'yaml';
import { MAX_YAML_BYTES, parseYamlSafely, tooLargeMessage } from '../../shared/yaml-safe';
import { substituteEnv, type Env } from './env';
import { formatFieldPath, type ConfigError, type FieldPath } from './errors';

export interface SourceDocument {
  file: string;
  /** Position of the document in its file (0-based). */
  index: number;
  /** Line where the document's content starts. */
  line: number;
  value: unknown;
  /** Fields whose `$ENV` reference could not be resolved (already reported). */
  unresolved: Set<string>;
  /** The line of the field, or of its closest written ancestor (for a missing field). */
  lineOf(path: FieldPath | readonly PropertyKey[]): number;
}

export interface SourceFile {
  file: string;
  text: string;
}

const CONFIG_FILE = /\.ya?ml$/i;

/** The YAML files a path stands for: the file itself, or a directory's *.yaml/*.yml (recursively, sorted). */
export function listConfigFiles(target: string): { files: string[]; errors: ConfigError[] } {
  let stat;
  try {
    stat = statSync(target);
  } catch (error) {
    return { files: [], errors: [{ file: target, line: 0, field: '', message: `cannot read: ${describeFsError(error)}` }] };
  }
  if (!stat.isDirectory()) return { files: [target], errors: [] };
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      if (entry.name.startsWith('.')) continue; // editor swap and lock files
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (CONFIG_FILE.test(entry.name)) files.push(full);
    }
  };
  walk(target);
  return { files, errors: [] };
}

export function readConfigFiles(files: string[]): { sources: SourceFile[]; errors: ConfigError[] } {
  const sources: SourceFile[] = [];
  const errors: ConfigError[] = [];
  for (const file of files) {
    const read = readConfigFile(file);
    if ('text' in read) sources.push({ file, text: read.text });
    else errors.push({ file, line: 0, field: '', message: read.error });
  }
  return { sources, errors };
}

/** Reads one YAML file; a file over MAX_YAML_BYTES is refused before it is read into memory. */
export function readConfigFile(file: string): { text: string } | { error: string } {
  try {
    const size = statSync(file).size;
    if (size > MAX_YAML_BYTES) return { error: tooLargeMessage(size) };
    return { text: readFileSync(file, 'utf8') };
  } catch (error) {
    return { error: `cannot read: ${describeFsError(error)}` };
  }
}

/** Identifies exactly what was read (names and texts): the watcher reloads only when it changes. */
export function sourcesFingerprint(sources: readonly SourceFile[], unreadable: readonly string[] = []): string {
  const hash = createHash('sha256');
  for (const source of sources) hash.update(source.file).update('\u0000').update(source.text).update('\u0000');
  for (const file of unreadable) hash.update(file).update('\u0001unreadable\u0000');
  return hash.digest('hex');
}

/**
 * Parses one file's text into documents; YAML syntax errors, unset variables and texts refused
 * by the hardened parser (size, nesting, alias bombs: `file:line: too many aliases …`) become errors.
 */
export function parseSource(source: SourceFile, env: Env): { documents: SourceDocument[]; errors: ConfigError[] } {
  const parsed = parseYamlSafely(source.text, { uniqueKeys: true });
  const { lineAt } = parsed;
  const errors: ConfigError[] = parsed.errors.map((issue) => ({ file: source.file, line: issue.line, field: '', message: issue.message }));
  const documents: SourceDocument[] = [];
  // An empty file has no documents: nothing to load.
  for (const doc of parsed.documents) {
    const contents = doc.contents;
    // `---` at the end of a file, or a document of comments only, is empty: nothing to load.
    if (contents === null || (isScalar(contents) && contents.value === null)) continue;
    const lines = new Map<string, number>();
    const unresolved = new Set<string>();
    const value = doc.toValue({
      node(node, at) {
        const field = formatFieldPath(at);
        if (node.range && !lines.has(field)) lines.set(field, lineAt(node.range[0]));
      },
      key(key, keyNode, at) {
        if (keyNode?.range) lines.set(formatFieldPath(at), lineAt(keyNode.range[0]));
        return key !== '<<'; // merge keys are not part of the format
      },
      scalar(node, at) {
        if (typeof node.value !== 'string') return node.value;
        const result = substituteEnv(node.value, env);
        if (result.ok) return result.value;
        const field = formatFieldPath(at);
        const line = node.range ? lineAt(node.range[0]) : 0;
        unresolved.add(field);
        for (const name of result.missing) errors.push({ file: source.file, line, field, message: `environment variable ${name} is not set` });
        return node.value;
      },
    });
    const docLine = lineAt(contents.range?.[0] ?? 0);
    documents.push({
      file: source.file,
      index: doc.index,
      line: docLine,
      value,
      unresolved,
      lineOf(fieldPath) {
        const parts = [...fieldPath];
        for (;;) {
          const line = lines.get(formatFieldPath(parts));
          if (line !== undefined) return line;
          if (parts.length === 0) return docLine;
          parts.pop();
        }
      },
    });
  }
  return { documents, errors };
}

export function describeFsError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such file or directory';
  if (code === 'EACCES') return 'permission denied';
  if (code === 'EISDIR') return 'is a directory';
  return (error as Error).message ?? String(error);
}
