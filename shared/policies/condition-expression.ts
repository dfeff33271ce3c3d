/**
 * The boolean DataWeave forms Flex's http-caching-flex takes as `requestExpression` and
 * `responseExpression`: comparisons of request/response attributes joined with `and`, `or`,
 * `not` and parentheses, and `[…] contains attributes.statusCode`. Parsed once (config
 * validation and compile); evaluation walks a small tree. Anything else is an error that says
 * which forms are supported.
 */

export type ConditionPhase = 'request' | 'response';

/** What a condition reads: names of headers and query parameters in lower case / as sent. */
export interface ConditionAttributes {
  method?: string;
  requestPath?: string;
  statusCode?: number;
  headers?: Readonly<Record<string, string | string[] | number | undefined>>;
  queryParams?: URLSearchParams;
}

type Value = string | number | boolean | undefined | Value[];
type Node = (attributes: ConditionAttributes) => Value;

export type Condition = (attributes: ConditionAttributes) => boolean;
export type ConditionParse = { ok: true; condition: Condition } | { ok: false; message: string };

export const CONDITION_FORMS =
  "#[attributes.method == 'GET' or attributes.method == 'HEAD'], #[[200, 404] contains attributes.statusCode], comparisons (== != < <= > >=) of attributes.method, attributes.requestPath, attributes.statusCode (responses), attributes.headers['name'], attributes.queryParams['name'] with and, or, not and parentheses";

const TOKEN = /\s*(?:(\d+(?:\.\d+)?)|'([^']*)'|"([^"]*)"|(==|!=|<=|>=|<|>|\(|\)|\[|\]|,)|([A-Za-z_][\w.-]*(?:\s*\[\s*(?:'[^']*'|"[^"]*")\s*\])?))/y;

type Token = { kind: 'number'; value: number } | { kind: 'string'; value: string } | { kind: 'op'; value: string } | { kind: 'word'; value: string };

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  TOKEN.lastIndex = 0;
  let at = 0;
  while (at < source.length) {
    if (/^\s*$/.test(source.slice(at))) break;
    TOKEN.lastIndex = at;
    const match = TOKEN.exec(source);
    if (!match) throw new Error(`unexpected "${source.slice(at).trim().slice(0, 20)}"`);
    at = TOKEN.lastIndex;
    if (match[1] !== undefined) tokens.push({ kind: 'number', value: Number(match[1]) });
    else if (match[2] !== undefined || match[3] !== undefined) tokens.push({ kind: 'string', value: match[2] ?? match[3]! });
    else if (match[4] !== undefined) tokens.push({ kind: 'op', value: match[4] });
    else tokens.push({ kind: 'word', value: match[5]!.replace(/\s+/g, '') });
  }
  return tokens;
}

const ATTRIBUTE = /^attributes\.(?:(method|requestPath|statusCode)|(headers|queryParams)(?:\[(?:'([^']*)'|"([^"]*)")\]|\.([\w-]+)))$/;

class Parser {
  private at = 0;
  constructor(
    private readonly tokens: Token[],
    private readonly phase: ConditionPhase,
  ) {}

  parse(): Node {
    const node = this.or();
    if (this.at < this.tokens.length) throw new Error(`unexpected "${this.describe(this.tokens[this.at]!)}"`);
    return node;
  }

  private or(): Node {
    let left = this.and();
    while (this.word('or')) {
      const a = left;
      const b = this.and();
      left = (x) => truthy(a(x)) || truthy(b(x));
    }
    return left;
  }

  private and(): Node {
    let left = this.unary();
    while (this.word('and')) {
      const a = left;
      const b = this.unary();
      left = (x) => truthy(a(x)) && truthy(b(x));
    }
    return left;
  }

  private unary(): Node {
    if (this.word('not')) {
      const inner = this.unary();
      return (x) => !truthy(inner(x));
    }
    return this.comparison();
  }

  private comparison(): Node {
    const left = this.primary();
    const token = this.tokens[this.at];
    if (token?.kind === 'word' && token.value === 'contains') {
      this.at++;
      const right = this.primary();
      return (x) => contains(left(x), right(x));
    }
    if (token?.kind === 'op' && ['==', '!=', '<', '<=', '>', '>='].includes(token.value)) {
      this.at++;
      const right = this.primary();
      return compare(token.value, left, right);
    }
    return left;
  }

  private primary(): Node {
    const token = this.tokens[this.at++];
    if (token === undefined) throw new Error('the expression ends too early');
    if (token.kind === 'number' || token.kind === 'string') {
      const value = token.value;
      return () => value;
    }
    if (token.kind === 'op' && token.value === '(') {
      const inner = this.or();
      this.expect(')');
      return inner;
    }
    if (token.kind === 'op' && token.value === '[') {
      const items: Node[] = [];
      if (!this.op(']')) {
        do items.push(this.primary());
        while (this.op(','));
        this.expect(']');
      }
      return (x) => items.map((item) => item(x));
    }
    if (token.kind === 'word') {
      if (token.value === 'true' || token.value === 'false') {
        const value = token.value === 'true';
        return () => value;
      }
      return this.attribute(token.value);
    }
    throw new Error(`unexpected "${this.describe(token)}"`);
  }

  private attribute(name: string): Node {
    const match = ATTRIBUTE.exec(name);
    if (!match) throw new Error(`unsupported value "${name}"`);
    const simple = match[1] as 'method' | 'requestPath' | 'statusCode' | undefined;
    if (simple === 'statusCode' && this.phase === 'request') throw new Error('attributes.statusCode is only known for responses (responseExpression)');
    if (simple !== undefined) return (x) => x[simple];
    const map = match[2] as 'headers' | 'queryParams';
    const key = match[3] ?? match[4] ?? match[5]!;
    if (map === 'queryParams') return (x) => x.queryParams?.get(key) ?? undefined;
    const lower = key.toLowerCase();
    return (x) => {
      const value = x.headers?.[lower];
      return Array.isArray(value) ? value.join(', ') : typeof value === 'number' ? String(value) : value;
    };
  }

  private word(value: string): boolean {
    const token = this.tokens[this.at];
    if (token?.kind === 'word' && token.value === value) return void this.at++, true;
    return false;
  }

  private op(value: string): boolean {
    const token = this.tokens[this.at];
    if (token?.kind === 'op' && token.value === value) return void this.at++, true;
    return false;
  }

  private expect(value: string): void {
    if (!this.op(value)) throw new Error(`expected "${value}"`);
  }

  private describe(token: Token): string {
    return String(token.value);
  }
}

function truthy(value: Value): boolean {
  return value === true;
}

function contains(container: Value, item: Value): boolean {
  if (Array.isArray(container)) return container.some((element) => loosely(element, item));
  if (typeof container === 'string' && item !== undefined) return container.includes(String(item));
  return false;
}

/** `attributes.statusCode == '200'` and `== 200` both hold: DataWeave coerces numbers from text here too. */
function loosely(a: Value, b: Value): boolean {
  if (a === undefined || b === undefined) return a === b;
  if (typeof a === 'number' || typeof b === 'number') return Number(a) === Number(b);
  return a === b;
}

function compare(op: string, left: Node, right: Node): Node {
  switch (op) {
    case '==':
      return (x) => loosely(left(x), right(x));
    case '!=':
      return (x) => !loosely(left(x), right(x));
    default:
      return (x) => {
        const a = Number(left(x));
        const b = Number(right(x));
        if (Number.isNaN(a) || Number.isNaN(b)) return false;
        return op === '<' ? a < b : op === '<=' ? a <= b : op === '>' ? a > b : a >= b;
      };
  }
}

export function parseCondition(source: string, phase: ConditionPhase): ConditionParse {
  const body = /^\s*#\[\s*([\s\S]*?)\s*\]\s*$/.exec(source)?.[1];
  if (body === undefined) return { ok: false, message: `expected an expression in #[ ], such as ${phase === 'request' ? "#[attributes.method == 'GET']" : '#[[200, 404] contains attributes.statusCode]'}` };
  try {
    const node = new Parser(tokenize(body), phase).parse();
    return { ok: true, condition: (attributes) => truthy(node(attributes)) };
  } catch (error) {
    return { ok: false, message: `${(error as Error).message} in "${source}"; supported: ${CONDITION_FORMS}` };
  }
}
