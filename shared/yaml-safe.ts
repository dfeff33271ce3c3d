/**
 * The one way Gatehouse reads YAML: config files and conf.d, `validate`, `import`, the admin
 * API's PUT /config, and the UI's config and OpenAPI imports. Untrusted text must not freeze or
 * kill the process, so:
 * - a text over `maxBytes` (MAX_YAML_BYTES by default) is refused without parsing;
 * - parsing is watched token by token and stops at MAX_YAML_DEPTH levels of nesting (2 MB of
 *   `[[[[…` kept the parser busy for 20 s), more than MAX_YAML_ALIASES alias nodes, more than
 *   MAX_YAML_DOCUMENTS documents or MAX_YAML_ERRORS errors;
 * - before anything walks a document, its aliases are priced against one budget per text
 *   (./yaml-aliases, which also finds duplicate keys in linear time), and the first alias over it
 *   is reported with its line: `too many aliases: …`.
 * A refused text yields no documents, only the reason. `toValue` walks a document with aliases
 * followed (within the budget, so bounded) and never calls the yaml package's toJS.
 */
import { Composer, CST, isAlias, isMap, isPair, isScalar, isSeq, Lexer, LineCounter, Parser, type Alias, type Document, type Node, type Scalar } from 'yaml';
import { checkDocument, MAX_YAML_ALIASES, MAX_YAML_DEPTH, type AliasBudget } from './yaml-aliases';

export { MAX_YAML_ALIASES, MAX_YAML_ALIAS_NODES, MAX_YAML_DEPTH } from './yaml-aliases';

/** The largest YAML text read (a config file, an import, an uploaded document). */
export const MAX_YAML_BYTES = 4 * 1024 * 1024;
/** Documents per text (each costs the yaml package ~50 µs: a million empty ones took 50 s). */
export const MAX_YAML_DOCUMENTS = 20_000;
/** Syntax errors and warnings per text (a megabyte of `]` was a million errors, and an OOM). */
export const MAX_YAML_ERRORS = 100;

export interface YamlIssue {
  /** 1-based; 0 when the issue is about the whole text (its size). */
  line: number;
  message: string;
  /** `syntax`: not valid YAML; `limit`: refused for its size, nesting or aliases. */
  kind: 'syntax' | 'limit';
}

export type YamlPath = readonly (string | number)[];

/** Lets a caller see every node the walk reaches (aliases followed) and shape the values. */
export interface YamlWalkHooks {
  node?(node: Node, path: YamlPath): void;
  /** Called for each mapping key before its value; `false` leaves the pair out. */
  key?(key: string, keyNode: Node | null, path: YamlPath): boolean | void;
  /** The value of a scalar (default: the parsed value). */
  scalar?(node: Scalar, path: YamlPath): unknown;
}

export interface SafeYamlDocument {
  /** Position of the document in its text (0-based). */
  index: number;
  contents: Node | null;
  /** Plain values with aliases expanded (within the budget checked at parse time). */
  toValue(hooks?: YamlWalkHooks): unknown;
}

export interface SafeYamlResult {
  /** The documents without syntax errors; none at all when the text was refused. */
  documents: SafeYamlDocument[];
  errors: YamlIssue[];
  /** 1-based line of an offset in the text. */
  lineAt(offset: number): number;
}

export interface SafeYamlOptions {
  maxBytes?: number;
  /** Duplicate mapping keys are errors (default true, as in the yaml package). */
  uniqueKeys?: boolean;
}

export function parseYamlSafely(text: string, options: SafeYamlOptions = {}): SafeYamlResult {
  const maxBytes = options.maxBytes ?? MAX_YAML_BYTES;
  const lineCounter = new LineCounter();
  const lineAt = (offset: number) => lineCounter.linePos(offset).line;
  const refuse = (issue: YamlIssue): SafeYamlResult => ({ documents: [], errors: [issue], lineAt });

  const bytes = utf8Length(text, maxBytes);
  if (bytes > maxBytes) return refuse({ line: 0, kind: 'limit', message: tooLargeMessage(bytes, maxBytes) });

  let docs: Document.Parsed[];
  try {
    docs = compose(text, lineCounter);
  } catch (error) {
    if (!(error instanceof Refused)) throw error;
    return refuse({ line: lineAt(error.offset), kind: 'limit', message: error.reason });
  }

  const errors: YamlIssue[] = [];
  const valid: { doc: Document.Parsed; index: number }[] = [];
  docs.forEach((doc, index) => {
    // One error per document: what the yaml package reports after the first syntax error is
    // nearly always the same mistake seen again (an unclosed `[` gave three lines).
    const first = doc.errors.reduce<(typeof doc.errors)[number] | undefined>((earliest, error) => (earliest === undefined || error.pos[0] < earliest.pos[0] ? error : earliest), undefined);
    if (first !== undefined) errors.push(syntaxIssue(text, first.pos[0], firstLine(first.message), lineAt));
    if (doc.errors.length === 0) valid.push({ doc, index });
  });

  const budget: AliasBudget = { aliases: 0, nodes: 0 };
  const documents: SafeYamlDocument[] = [];
  for (const { doc, index } of valid) {
    const contents = doc.contents as Node | null;
    const checked = checkDocument(contents, budget, options.uniqueKeys ?? true);
    if ('message' in checked) return refuse({ line: lineAt(checked.offset), kind: checked.kind, message: checked.message });
    for (const offset of checked.duplicateKeys) errors.push({ line: lineAt(offset), kind: 'syntax', message: 'Map keys must be unique' });
    if (checked.duplicateKeys.length === 0) documents.push({ index, contents, toValue: (hooks = {}) => walk(contents, [], hooks, checked.targets) });
  }
  errors.sort((a, b) => a.line - b.line);
  if (errors.length > MAX_YAML_ERRORS) return refuse({ line: errors[MAX_YAML_ERRORS]!.line, kind: 'limit', message: tooManyErrorsMessage });
  return { documents, errors, lineAt };
}

/**
 * A syntax error as the user should read it. The yaml package notices an unclosed flow
 * collection where the next line starts; the mistake is on the line of its `[` or `{`.
 */
function syntaxIssue(text: string, offset: number, message: string, lineAt: (offset: number) => number): YamlIssue {
  const unclosed = /^Flow (sequence|map|mapping)\b.*end with an? ([\]}])/.exec(message);
  if (unclosed) {
    const close = unclosed[2]!;
    const opener = unclosedOpener(text, offset, close === ']' ? '[' : '{', close);
    if (opener !== undefined) return { line: lineAt(opener), kind: 'syntax', message: `this ${text[opener]} is never closed with ${close}` };
  }
  return { line: lineAt(offset), kind: 'syntax', message };
}

/** Offset of the last `open` before `from` that no `close` matches (quotes and comments are not parsed: a hint, not a parser). */
function unclosedOpener(text: string, from: number, open: string, close: string): number | undefined {
  let depth = 0;
  for (let i = Math.min(from, text.length - 1); i >= 0; i--) {
    const c = text[i];
    if (c === close) depth++;
    else if (c === open) {
      if (depth === 0) return i;
      depth--;
    }
  }
  return undefined;
}

/** What a text or file over the size limit is told (also for files refused before reading). */
export function tooLargeMessage(bytes: number, maxBytes = MAX_YAML_BYTES): string {
  return `too large (${formatBytes(bytes)}): a YAML file may have at most ${formatBytes(maxBytes)}`;
}

const tooManyErrorsMessage = `more than ${MAX_YAML_ERRORS} YAML syntax errors or warnings (is this YAML?)`;

class Refused extends Error {
  constructor(
    readonly offset: number,
    readonly reason: string,
  ) {
    super(reason);
  }
}

/**
 * parseAllDocuments, watched as it goes: the parser's nesting after every token, and the number
 * of documents and of errors (each costs the yaml package tens of microseconds and a stack trace).
 */
function compose(text: string, lineCounter: LineCounter): Document.Parsed[] {
  const parser = new Parser(lineCounter.addNewLine);
  // Duplicate keys are checked by ./yaml-aliases in linear time; the yaml package's check is quadratic.
  const composer = new Composer({ uniqueKeys: false });
  let documents = 0;
  let errors = 0;
  const tooManyErrors = (offset: number) => {
    if (++errors > MAX_YAML_ERRORS) throw new Refused(offset, tooManyErrorsMessage);
  };
  // Every error and warning of composition goes through this one instance property.
  const funnel = composer as unknown as { onError(source: ErrorSource, code: string, message: string, warning?: boolean): void };
  const report = funnel.onError;
  funnel.onError = (source, code, message, warning) => {
    tooManyErrors(offsetOf(source));
    report(source, code, message, warning);
  };
  function* watch(produced: Iterable<CST.Token>): Generator<CST.Token> {
    for (const token of produced) {
      // Stray tokens between documents become errors without going through onError.
      if (token.type === 'error') tooManyErrors(token.offset);
      if (token.type === 'document' && ++documents > MAX_YAML_DOCUMENTS) throw new Refused(token.offset, `more than ${MAX_YAML_DOCUMENTS} documents`);
      yield token;
    }
  }
  function* tokens(): Generator<CST.Token> {
    lineCounter.addNewLine(0); // Parser.parse does this; we drive Parser.next ourselves
    let previous = '';
    let aliases = 0;
    for (const lexeme of new Lexer().lex(text)) {
      // More alias nodes than the budget of expansions is over it whatever they point at: say so
      // now, not after parsing megabytes. (After the scalar marker comes a scalar's text, which may start with "*".)
      if (lexeme.startsWith('*') && previous !== CST.SCALAR && ++aliases > MAX_YAML_ALIASES)
        throw new Refused(parser.offset, `too many aliases: ${lexeme} is alias number ${aliases} in the file, more than the ${MAX_YAML_ALIASES} a file may have`);
      previous = lexeme;
      yield* watch(parser.next(lexeme));
      if (parser.stack.length > MAX_YAML_DEPTH) throw new Refused(parser.offset, `nested deeper than ${MAX_YAML_DEPTH} levels`);
    }
    yield* watch(parser.end());
  }
  return Array.from(composer.compose(tokens()));
}

type ErrorSource = number | [number, number] | { offset: number };

function offsetOf(source: ErrorSource): number {
  return typeof source === 'number' ? source : Array.isArray(source) ? source[0] : source.offset;
}

function walk(node: Node | null | undefined, path: YamlPath, hooks: YamlWalkHooks, targets: Map<Alias, Node>): unknown {
  if (isAlias(node)) node = targets.get(node);
  if (node === null || node === undefined) return null;
  hooks.node?.(node, path);
  if (isMap(node)) {
    const out: Record<string, unknown> = {};
    for (const pair of node.items) {
      if (!isPair(pair)) continue;
      const keyNode = (isAlias(pair.key) ? targets.get(pair.key) : pair.key) as Node | null;
      const key = isScalar(keyNode) ? String(keyNode.value) : String(keyNode);
      const childPath = [...path, key];
      if (hooks.key?.(key, pair.key as Node | null, childPath) === false) continue;
      const value = walk(pair.value as Node | null, childPath, hooks, targets);
      // A "__proto__" key is data, not the object's prototype.
      if (key === '__proto__') Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
      else out[key] = value;
    }
    return out;
  }
  if (isSeq(node)) return node.items.map((item, i) => walk(item as Node | null, [...path, i], hooks, targets));
  if (isScalar(node)) return hooks.scalar ? hooks.scalar(node, path) : node.value;
  return null;
}

/** UTF-8 length of `text`; a text longer than `limit` units is over it whatever its encoding. */
function utf8Length(text: string, limit: number): number {
  return text.length > limit ? text.length : countUtf8(text);
}

function countUtf8(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit < 0x80) bytes += 1;
    else if (unit < 0x800) bytes += 2;
    else if (unit >= 0xd800 && unit <= 0xdbff) {
      bytes += 4; // a surrogate pair is one 4-byte character
      i++;
    } else bytes += 3;
  }
  return bytes;
}

function formatBytes(bytes: number): string {
  const mib = bytes / 1024 / 1024;
  if (mib >= 1) return `${Number.isInteger(mib) ? mib : mib.toFixed(1)} MiB`;
  return bytes >= 1024 ? `${Math.round(bytes / 1024)} KiB` : `${bytes} bytes`;
}

function firstLine(message: string): string {
  return message.split('\n')[0] ?? message;
}
