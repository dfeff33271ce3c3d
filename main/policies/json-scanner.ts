/**
 * An incremental JSON scanner for json-threat-protection-flex: bytes go in as they arrive, the
 * scanner keeps only its state (a stack of open containers with their entry counts and the
 * length of the current string or name), never the document. It checks the grammar (RFC 8259)
 * and the limits, and stops at the first byte that breaks either, so a 100 MB string or a
 * 100,000-deep nesting is refused as soon as it crosses its limit.
 */

export interface JsonLimits {
  /** -1: unlimited (Flex's convention for every limit). */
  maxContainerDepth: number;
  maxStringValueLength: number;
  maxObjectEntryNameLength: number;
  maxObjectEntryCount: number;
  maxArrayElementCount: number;
}

/** Why a body was refused: the limit it crossed (a config key), or `syntax` for malformed JSON. */
export interface JsonViolation {
  limit: keyof JsonLimits | 'syntax';
  message: string;
}

// Parser states.
const VALUE = 0; // a value must come (top level, after ':' or ',' in an array)
const ARRAY_FIRST = 1; // after '[': a value or ']'
const OBJECT_FIRST = 2; // after '{': a name or '}'
const NAME = 3; // after ',' in an object: a name
const COLON = 4;
const AFTER_VALUE = 5; // ',' or a closing bracket (or the end, at top level)
const STRING = 6;
const ESCAPE = 7;
const UNICODE = 8;
const LITERAL = 9;
const NUMBER = 10;
const DONE = 11;

// Number sub-states (RFC 8259 §6): which characters may come next.
const N_SIGN = 0; // after '-'
const N_ZERO = 1; // a leading 0
const N_INT = 2;
const N_DOT = 3;
const N_FRAC = 4;
const N_E = 5;
const N_E_SIGN = 6;
const N_EXP = 7;

const OBJECT = 1;
const ARRAY = 2;

const LITERALS = ['true', 'false', 'null'].map((word) => Buffer.from(word));

export class JsonScanner {
  private state = VALUE;
  /** Open containers, innermost last, and how many entries each has so far. */
  private readonly kinds: number[] = [];
  private readonly counts: number[] = [];
  /** Characters of the string being read, and whether it is an object's entry name. */
  private stringLength = 0;
  private inName = false;
  private unicodeLeft = 0;
  private literal: Buffer = LITERALS[0]!;
  private literalAt = 0;
  private numberState = N_INT;
  /** Bytes seen so far: positions in messages. */
  private offset = 0;
  private violation: JsonViolation | undefined;

  constructor(private readonly limits: JsonLimits) {}

  /** Feeds the next bytes; returns the first violation (then and on every later call). */
  write(chunk: Buffer): JsonViolation | undefined {
    if (this.violation !== undefined) return this.violation;
    const limits = this.limits;
    for (let i = 0; i < chunk.length; i++) {
      const byte = chunk[i]!;
      switch (this.state) {
        case STRING:
          if (byte === 0x22 /* " */) this.state = this.inName ? COLON : AFTER_VALUE;
          else if (byte === 0x5c /* \ */) {
            this.state = ESCAPE;
            if (this.countChar()) return this.failAt(i);
          } else if (byte < 0x20) return this.fail('syntax', `control character 0x${byte.toString(16).padStart(2, '0')} inside a string`, i);
          // One character per UTF-8 sequence: continuation bytes (10xxxxxx) do not count.
          else if ((byte & 0xc0) !== 0x80 && this.countChar()) return this.failAt(i);
          continue;
        case ESCAPE:
          if (byte === 0x75 /* u */) {
            this.state = UNICODE;
            this.unicodeLeft = 4;
          } else if (ESCAPABLE.has(byte)) this.state = STRING;
          else return this.fail('syntax', `invalid escape \\${String.fromCharCode(byte)} in a string`, i);
          continue;
        case UNICODE:
          if (!isHex(byte)) return this.fail('syntax', 'invalid \\u escape in a string', i);
          if (--this.unicodeLeft === 0) this.state = STRING;
          continue;
        case NUMBER:
          if (this.numberByte(byte)) continue;
          if (!this.numberComplete()) return this.fail('syntax', 'incomplete number', i);
          this.state = AFTER_VALUE;
          break; // the byte that ended the number is read as what follows it
        case LITERAL:
          if (byte !== this.literal[this.literalAt]) return this.fail('syntax', `unexpected ${describe(byte)} (expected ${this.literal.toString()})`, i);
          if (++this.literalAt === this.literal.length) this.state = AFTER_VALUE;
          continue;
      }
      if (byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09) continue;
      switch (this.state) {
        case VALUE:
        case ARRAY_FIRST:
          if (this.state === ARRAY_FIRST && byte === 0x5d /* ] */) {
            this.close();
            continue;
          }
          if (this.startValue(byte, i)) return this.violation;
          continue;
        case OBJECT_FIRST:
        case NAME:
          if (this.state === OBJECT_FIRST && byte === 0x7d /* } */) {
            this.close();
            continue;
          }
          if (byte !== 0x22) return this.fail('syntax', `unexpected ${describe(byte)} (expected an entry name)`, i);
          if (limits.maxObjectEntryCount >= 0 && ++this.counts[this.counts.length - 1]! > limits.maxObjectEntryCount)
            return this.fail('maxObjectEntryCount', `an object has more than ${limits.maxObjectEntryCount} entries`, i);
          this.state = STRING;
          this.inName = true;
          this.stringLength = 0;
          continue;
        case COLON:
          if (byte !== 0x3a) return this.fail('syntax', `unexpected ${describe(byte)} (expected ':')`, i);
          this.state = VALUE;
          continue;
        case AFTER_VALUE: {
          const kind = this.kinds[this.kinds.length - 1];
          if (kind === undefined) {
            this.state = DONE;
            return this.fail('syntax', `unexpected ${describe(byte)} after the JSON value`, i);
          }
          if (byte === 0x2c /* , */) this.state = kind === OBJECT ? NAME : VALUE;
          else if (byte === 0x5d && kind === ARRAY) this.close();
          else if (byte === 0x7d && kind === OBJECT) this.close();
          else return this.fail('syntax', `unexpected ${describe(byte)} (expected ',' or '${kind === OBJECT ? '}' : ']'}')`, i);
          continue;
        }
        default:
          return this.fail('syntax', `unexpected ${describe(byte)} after the JSON value`, i);
      }
    }
    this.offset += chunk.length;
    return undefined;
  }

  /** The body ended: anything but one complete value is malformed. */
  end(): JsonViolation | undefined {
    if (this.violation !== undefined) return this.violation;
    if (this.state === NUMBER && this.numberComplete()) this.state = this.kinds.length === 0 ? DONE : AFTER_VALUE;
    if (this.state === AFTER_VALUE && this.kinds.length === 0) this.state = DONE;
    if (this.state === DONE) return undefined;
    this.violation = { limit: 'syntax', message: `the JSON body ends early (at byte ${this.offset})` };
    return this.violation;
  }

  /** A value starts with `byte`: counts it in its array, opens containers, checks depth. */
  private startValue(byte: number, i: number): boolean {
    const limits = this.limits;
    const depth = this.kinds.length;
    if (depth > 0 && this.kinds[depth - 1] === ARRAY && limits.maxArrayElementCount >= 0 && ++this.counts[depth - 1]! > limits.maxArrayElementCount) {
      this.fail('maxArrayElementCount', `an array has more than ${limits.maxArrayElementCount} elements`, i);
      return true;
    }
    if (byte === 0x7b /* { */ || byte === 0x5b /* [ */) {
      if (limits.maxContainerDepth >= 0 && depth + 1 > limits.maxContainerDepth) {
        this.fail('maxContainerDepth', `containers are nested deeper than ${limits.maxContainerDepth} levels`, i);
        return true;
      }
      const object = byte === 0x7b;
      this.kinds.push(object ? OBJECT : ARRAY);
      this.counts.push(0);
      this.state = object ? OBJECT_FIRST : ARRAY_FIRST;
      return false;
    }
    if (byte === 0x22) {
      this.state = STRING;
      this.inName = false;
      this.stringLength = 0;
      return false;
    }
    if (byte === 0x2d /* - */ || (byte >= 0x30 && byte <= 0x39)) {
      this.state = NUMBER;
      this.numberState = byte === 0x2d ? N_SIGN : byte === 0x30 ? N_ZERO : N_INT;
      return false;
    }
    const literal = byte === 0x74 ? LITERALS[0] : byte === 0x66 ? LITERALS[1] : byte === 0x6e ? LITERALS[2] : undefined;
    if (literal === undefined) {
      this.fail('syntax', `unexpected ${describe(byte)} (expected a value)`, i);
      return true;
    }
    this.state = LITERAL;
    this.literal = literal;
    this.literalAt = 1;
    return false;
  }

  private close(): void {
    this.kinds.pop();
    this.counts.pop();
    this.state = AFTER_VALUE;
  }

  /** Counts one character of the current string; true when that crosses a length limit. */
  private countChar(): boolean {
    const length = ++this.stringLength;
    const limit = this.inName ? this.limits.maxObjectEntryNameLength : this.limits.maxStringValueLength;
    return limit >= 0 && length > limit;
  }

  private numberByte(byte: number): boolean {
    const digit = byte >= 0x30 && byte <= 0x39;
    switch (this.numberState) {
      case N_SIGN:
        if (!digit) return false;
        this.numberState = byte === 0x30 ? N_ZERO : N_INT;
        return true;
      case N_ZERO:
      case N_INT:
        if (digit && this.numberState === N_INT) return true;
        if (byte === 0x2e) this.numberState = N_DOT;
        else if (byte === 0x65 || byte === 0x45) this.numberState = N_E;
        else return false;
        return true;
      case N_DOT:
      case N_FRAC:
        if (digit) this.numberState = N_FRAC;
        else if (this.numberState === N_FRAC && (byte === 0x65 || byte === 0x45)) this.numberState = N_E;
        else return false;
        return true;
      case N_E:
        if (byte === 0x2b || byte === 0x2d) this.numberState = N_E_SIGN;
        else if (digit) this.numberState = N_EXP;
        else return false;
        return true;
      default:
        if (!digit) return false;
        this.numberState = N_EXP;
        return true;
    }
  }

  private numberComplete(): boolean {
    return this.numberState === N_ZERO || this.numberState === N_INT || this.numberState === N_FRAC || this.numberState === N_EXP;
  }

  /** The string limit crossed at byte i (see countChar). */
  private failAt(i: number): JsonViolation {
    return this.inName
      ? this.fail('maxObjectEntryNameLength', `an entry name is longer than ${this.limits.maxObjectEntryNameLength} characters`, i)
      : this.fail('maxStringValueLength', `a string is longer than ${this.limits.maxStringValueLength} characters`, i);
  }

  private fail(limit: JsonViolation['limit'], what: string, i: number): JsonViolation {
    const at = this.offset + i;
    this.violation = {
      limit,
      message: limit === 'syntax' ? `the body is not valid JSON: ${what} at byte ${at}` : `the JSON body exceeds ${limit}: ${what} (at byte ${at})`,
    };
    return this.violation;
  }
}

const ESCAPABLE = new Set([0x22, 0x5c, 0x2f, 0x62, 0x66, 0x6e, 0x72, 0x74]);

function isHex(byte: number): boolean {
  return (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x46) || (byte >= 0x61 && byte <= 0x66);
}

function describe(byte: number): string {
  return byte >= 0x21 && byte <= 0x7e ? `'${String.fromCharCode(byte)}'` : `byte 0x${byte.toString(16).padStart(2, '0')}`;
}
