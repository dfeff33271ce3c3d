/**
 * Breakpoints, the control side inside the data plane: the rules (compiled once when set), the
 * messages paused right now, their timeouts, and the developer's decisions (resume with edits,
 * answer directly, drop). How a request or response is actually held and let go is
 * breakpoint-hold.ts; the dispatcher only reads `active` per request, so a gateway without a
 * rule pays one field check.
 */
import {
  DEFAULT_BREAKPOINT_TIMEOUT_MS,
  type BreakpointEdit,
  type BreakpointPhase,
  type BreakpointResponse,
  type BreakpointRule,
  type BreakpointState,
  type PausedMessage,
  type PausedSummary,
} from '../../shared/contract/breakpoints';
import type { GatewayRequest } from './context';

/** A rule to set: the contract's parsed input (an id is assigned when absent or repeated). */
export type BreakpointRuleSpec = Omit<BreakpointRule, 'id'> & { id?: string };

/** A rule as the dispatcher tests it. */
export interface CompiledBreakpoint {
  readonly rule: BreakpointRule;
  readonly request: boolean;
  readonly response: boolean;
}

interface CompiledRule extends CompiledBreakpoint {
  readonly method: string | undefined;
  readonly path: RegExp | undefined;
  readonly headerName: string | undefined;
  readonly headerValue: string | undefined;
}

/** What the data plane holds for one paused message (breakpoint-hold.ts makes it). */
export interface HeldMessage {
  readonly ctx: GatewayRequest;
  readonly phase: BreakpointPhase;
  readonly rule: BreakpointRule;
  view(summary: PausedSummary): PausedMessage;
  resume(edit: BreakpointEdit | undefined): void;
  respond(response: BreakpointResponse): void;
  drop(): void;
}

interface Held {
  message: HeldMessage;
  summary: PausedSummary;
  timer: NodeJS.Timeout;
}

/** A decision for a message that is no longer paused (resumed, timed out, client gone). */
export class PausedMessageGone extends Error {
  constructor(readonly id: string) {
    super(`no paused message ${id}: it was already resumed, timed out and resumed unchanged, or its client went away`);
  }
}

/** An edit that does not fit the paused message; `field` names the part. */
export class BreakpointEditError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

export interface BreakpointControllerOptions {
  log?: (level: 'info' | 'warn' | 'error', message: string) => void;
}

export class BreakpointController {
  /** At least one enabled rule: the dispatcher's only per-request check. */
  active = false;
  private compiled: CompiledRule[] = [];
  private rules: BreakpointRule[] = [];
  private timeoutMs = DEFAULT_BREAKPOINT_TIMEOUT_MS;
  private readonly held = new Map<string, Held>();
  private readonly listeners = new Set<(state: BreakpointState) => void>();
  private ruleIds = 0;

  constructor(private readonly options: BreakpointControllerOptions = {}) {}

  /** Replaces every rule (already validated by the contract's schema); the timeout when given. */
  setRules(rules: readonly BreakpointRuleSpec[], timeoutMs?: number): BreakpointState {
    const used = new Set<string>();
    const next = rules.map((input): BreakpointRule => {
      let id = input.id;
      if (id === undefined || used.has(id)) id = `bp-${++this.ruleIds}`;
      used.add(id);
      return {
        id,
        enabled: input.enabled,
        request: input.request,
        response: input.response,
        ...(input.method !== undefined ? { method: input.method } : {}),
        ...(input.path !== undefined ? { path: input.path } : {}),
        ...(input.header !== undefined ? { header: { name: input.header.name.toLowerCase(), ...(input.header.value !== undefined ? { value: input.header.value } : {}) } } : {}),
      };
    });
    this.rules = next;
    this.compiled = next.filter((rule) => rule.enabled).map(compileRule);
    this.active = this.compiled.length > 0;
    if (timeoutMs !== undefined) this.timeoutMs = timeoutMs;
    this.changed();
    return this.state();
  }

  /** The first enabled rule the request matches (method, path as received, headers after the policies). */
  match(ctx: GatewayRequest): CompiledBreakpoint | undefined {
    for (const rule of this.compiled) {
      if (rule.method !== undefined && rule.method !== ctx.method) continue;
      if (rule.path !== undefined && !rule.path.test(ctx.path)) continue;
      if (rule.headerName !== undefined) {
        const value = ctx.headers[rule.headerName];
        if (value === undefined) continue;
        if (rule.headerValue !== undefined && (Array.isArray(value) ? !value.includes(rule.headerValue) : value !== rule.headerValue)) continue;
      }
      return rule;
    }
    return undefined;
  }

  /** Called by the data plane: the message waits for a decision, its client, or the timeout. */
  hold(message: HeldMessage, summary: Omit<PausedSummary, 'pausedAt' | 'expiresAt'>): void {
    const pausedAt = Date.now();
    const full: PausedSummary = { ...summary, pausedAt, expiresAt: pausedAt + this.timeoutMs };
    const timer = setTimeout(() => this.expire(summary.id), this.timeoutMs);
    timer.unref();
    this.held.set(summary.id, { message, summary: full, timer });
    // The client went away: nothing to resume for, the message is released.
    message.ctx.res?.once('close', () => {
      if (this.take(summary.id) !== undefined) this.changed();
    });
    this.changed();
  }

  view(id: string): PausedMessage {
    const held = this.require(id);
    return held.message.view(held.summary);
  }

  resume(id: string, edit?: BreakpointEdit): void {
    const held = this.require(id);
    if (edit !== undefined) checkEdit(held.message.phase, edit);
    this.take(id);
    try {
      held.message.resume(edit);
    } finally {
      this.changed();
    }
  }

  respond(id: string, response: BreakpointResponse): void {
    const held = this.take(id);
    if (held === undefined) throw new PausedMessageGone(id);
    try {
      held.message.respond(response);
    } finally {
      this.changed();
    }
  }

  drop(id: string): void {
    const held = this.take(id);
    if (held === undefined) throw new PausedMessageGone(id);
    try {
      held.message.drop();
    } finally {
      this.changed();
    }
  }

  /** Gateway stopping: every paused message goes on unchanged, so the drain can finish it. */
  resumeAll(): void {
    for (const id of [...this.held.keys()]) this.resume(id);
  }

  get pausedCount(): number {
    return this.held.size;
  }

  state(): BreakpointState {
    return { rules: this.rules.map((rule) => ({ ...rule })), timeoutMs: this.timeoutMs, paused: [...this.held.values()].map((held) => held.summary) };
  }

  /** Called after every change of rules or paused messages; returns the unsubscribe function. */
  onChange(listener: (state: BreakpointState) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private expire(id: string): void {
    const held = this.held.get(id);
    if (held === undefined) return;
    this.options.log?.('info', `breakpoint: ${held.summary.phase} ${held.summary.method} ${held.summary.target} resumed unchanged after ${this.timeoutMs} ms`);
    this.resume(id);
  }

  private require(id: string): Held {
    const held = this.held.get(id);
    if (held === undefined) throw new PausedMessageGone(id);
    return held;
  }

  private take(id: string): Held | undefined {
    const held = this.held.get(id);
    if (held === undefined) return undefined;
    clearTimeout(held.timer);
    this.held.delete(id);
    return held;
  }

  private changed(): void {
    if (this.listeners.size === 0) return;
    const state = this.state();
    for (const listener of this.listeners) {
      try {
        listener(state);
      } catch (error) {
        this.options.log?.('error', `breakpoint listener failed: ${(error as Error).message}`);
      }
    }
  }
}

function compileRule(rule: BreakpointRule): CompiledRule {
  return {
    rule,
    request: rule.request,
    response: rule.response,
    method: rule.method,
    path: rule.path === undefined ? undefined : new RegExp(rule.path),
    headerName: rule.header?.name,
    headerValue: rule.header?.value,
  };
}

/** Fields that belong to the other phase are refused, naming the field. */
function checkEdit(phase: BreakpointPhase, edit: BreakpointEdit): void {
  if (phase === 'response') {
    if (edit.method !== undefined) throw new BreakpointEditError('method', 'a paused response has no method to change; edit its status, headers or body');
    if (edit.url !== undefined) throw new BreakpointEditError('url', 'a paused response has no URL to change; edit its status, headers or body');
  } else if (edit.status !== undefined) {
    throw new BreakpointEditError('status', 'a paused request has no status yet; use respond to answer it yourself');
  }
}
