/**
 * Reads config files into plain values that remember where every node was written, so any
 * later error can name `file:line`. Multi-document files; a file or a conf.d directory.
 * `$ENV` references are substituted here, while the line of each string is still known.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { isAlias, isMap, isPair, isScalar, isSeq, LineCounter, parseAllDocuments, type Document, type Node } from 'yaml';
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
    try {
      sources.push({ file, text: readFileSync(file, 'utf8') });
    } catch (error) {
      errors.push({ file, line: 0, field: '', message: `cannot read: ${describeFsError(error)}` });
    }
  }
  return { sources, errors };
}

/** Identifies exactly what was read (names and texts): the watcher reloads only when it changes. */
export function sourcesFingerprint(sources: readonly SourceFile[], unreadable: readonly string[] = []): string {
  const hash = createHash('sha256');
  for (const source of sources) hash.update(source.file).update('\u0000').update(source.text).update('\u0000');
  for (const file of unreadable) hash.update(file).update('\u0001unreadable\u0000');
  return hash.digest('hex');
}

/** Parses one file's text into documents; YAML syntax errors and unset variables become errors. */
export function parseSource(source: SourceFile, env: Env): { documents: SourceDocument[]; errors: ConfigError[] } {
  const lineCounter = new LineCounter();
  const parsed = parseAllDocuments(source.text, { lineCounter, uniqueKeys: true });
  const documents: SourceDocument[] = [];
  const errors: ConfigError[] = [];
  const lineAt = (offset: number) => lineCounter.linePos(offset).line;
  // An empty file parses to an EmptyStream: an empty array, nothing to load.
  parsed.forEach((doc, index) => {
    for (const error of doc.errors) {
      errors.push({ file: source.file, line: lineAt(error.pos[0]), field: '', message: cleanYamlMessage(error.message) });
    }
    // `---` at the end of a file, or a document of comments only, is empty: nothing to load.
    if (doc.errors.length > 0 || doc.contents === null || (isScalar(doc.contents) && doc.contents.value === null)) return;
    const lines = new Map<string, number>();
    const unresolved = new Set<string>();
    const value = toValue(doc, doc.contents as Node, [], lines, lineAt, (field, line, missing) => {
      unresolved.add(field);
      for (const name of missing) {
        errors.push({ file: source.file, line, field, message: `environment variable ${name} is not set` });
      }
    }, env);
    const docLine = lineAt(doc.contents.range?.[0] ?? 0);
    documents.push({
      file: source.file,
      index,
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
  });
  return { documents, errors };
}

type Missing = (field: string, line: number, names: string[]) => void;

function toValue(doc: Document, node: Node | null, at: (string | number)[], lines: Map<string, number>, lineAt: (offset: number) => number, onMissing: Missing, env: Env, depth = 0): unknown {
  if (node === null || node === undefined) return null;
  if (depth > 64) return null; // alias cycles; YAML forbids them, but be safe
  if (isAlias(node)) return toValue(doc, node.resolve(doc) as Node, at, lines, lineAt, onMissing, env, depth + 1);
  if (node.range && !lines.has(formatFieldPath(at))) lines.set(formatFieldPath(at), lineAt(node.range[0]));
  if (isMap(node)) {
    const out: Record<string, unknown> = {};
    for (const pair of node.items) {
      if (!isPair(pair)) continue;
      const keyNode = pair.key as Node | null;
      const key = isScalar(keyNode) ? String(keyNode.value) : String(keyNode);
      const childPath = [...at, key];
      const keyLine = keyNode?.range ? lineAt(keyNode.range[0]) : undefined;
      if (keyLine !== undefined) lines.set(formatFieldPath(childPath), keyLine);
      if (key === '<<') continue; // merge keys are not part of the format
      out[key] = toValue(doc, pair.value as Node | null, childPath, lines, lineAt, onMissing, env, depth + 1);
    }
    return out;
  }
  if (isSeq(node)) {
    return node.items.map((item, i) => toValue(doc, item as Node | null, [...at, i], lines, lineAt, onMissing, env, depth + 1));
  }
  if (isScalar(node)) {
    if (typeof node.value !== 'string') return node.value;
    const result = substituteEnv(node.value, env);
    if (result.ok) return result.value;
    onMissing(formatFieldPath(at), node.range ? lineAt(node.range[0]) : 0, result.missing);
    return node.value;
  }
  return null;
}

function cleanYamlMessage(message: string): string {
  // The yaml package appends a code excerpt after the first line; the line number is ours.
  const first = message.split('\n')[0] ?? message;
  return first.replace(/ at line \d+, column \d+:?$/, '');
}

export function describeFsError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such file or directory';
  if (code === 'EACCES') return 'permission denied';
  if (code === 'EISDIR') return 'is a directory';
  return (error as Error).message ?? String(error);
}
