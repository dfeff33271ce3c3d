/**
 * message-logging-flex: each configured item evaluates its message (and condition) from the
 * request before the upstream is called (firstSection) and/or from the response head after it
 * answered (secondSection), and writes one line to the gateway log and to the request's trace.
 * Per request this costs the formatting and one log call; nothing waits on it and no body is read.
 */
import type { MessageLoggingConfig, MessageLoggingItem } from '../../shared/policies/message-logging';
import { parseCondition, parseMessage, type ConditionTemplate, type MessageTemplate } from '../../shared/policies/message-template';
import { claimText } from '../../shared/expressions';
import type { OutgoingHttpHeaders } from 'node:http';
import type { PolicyCompileContext, PolicyDefinition, PolicyRequest } from './types';

/** A message longer than this is cut: one request cannot flood the log. */
export const MAX_MESSAGE_CHARS = 4096;

/** The response as the second section sees it (undefined before the upstream). */
interface ResponseView {
  status: number;
  headers: OutgoingHttpHeaders;
}

interface CompiledItem {
  name: string;
  level: MessageLoggingItem['itemData']['level'];
  category: string | undefined;
  message: MessageTemplate;
  condition: ConditionTemplate | undefined;
  first: boolean;
  second: boolean;
}

export const messageLoggingPolicy: PolicyDefinition<MessageLoggingConfig> = {
  name: 'message-logging-flex',
  create(config, context) {
    const items = config.loggingConfiguration.map(compileItem);
    const first = items.filter((item) => item.first);
    const second = items.filter((item) => item.second);
    const binding = { id: context.binding.id, name: context.binding.name };
    return {
      onRequest(request) {
        const logged = writeAll(first, request, undefined, context);
        if (second.length > 0)
          request.onResponse((response) => {
            const after = writeAll(second, request, response, context);
            request.traceNote?.(binding, after === '' ? 'after the upstream: nothing logged (conditions false)' : `after the upstream: logged ${after}`);
          });
        const detail = first.length === 0 ? 'logs after the upstream answers' : logged === '' ? 'nothing logged (conditions false)' : `logged ${logged}`;
        return { action: 'continue', detail };
      },
    };
  },
};

/** Writes every item whose condition holds; returns their names for the trace ('' for none). */
function writeAll(items: CompiledItem[], request: PolicyRequest, response: ResponseView | undefined, context: PolicyCompileContext): string {
  let names = '';
  for (const item of items) if (write(item, request, response, context)) names += names === '' ? item.name : `, ${item.name}`;
  return names;
}

function compileItem(item: MessageLoggingItem): CompiledItem {
  const message = parseMessage(item.itemData.message);
  if (!message.ok) throw new Error(`${item.itemName}: message: ${message.message}`);
  let condition: ConditionTemplate | undefined;
  if (item.itemData.conditional !== undefined && item.itemData.conditional.trim() !== '') {
    const parsed = parseCondition(item.itemData.conditional);
    if (!parsed.ok) throw new Error(`${item.itemName}: conditional: ${parsed.message}`);
    condition = parsed.value;
  }
  return {
    name: item.itemName,
    level: item.itemData.level,
    category: item.itemData.category,
    message: message.value,
    condition,
    first: item.itemData.firstSection,
    second: item.itemData.secondSection,
  };
}

/** Evaluates and logs one item; false when its condition says no. */
function write(item: CompiledItem, request: PolicyRequest, response: ResponseView | undefined, context: PolicyCompileContext): boolean {
  if (item.condition !== undefined && !holds(item.condition, request, response)) return false;
  const text = printable(render(item.message, request, response));
  const category = item.category ? ` ${item.category}` : '';
  const line = `[${item.level}]${category} ${item.name}: ${text} (request ${request.id})`;
  context.log(item.level === 'ERROR' ? 'error' : item.level === 'WARN' ? 'warn' : 'info', line);
  return true;
}

function holds(condition: ConditionTemplate, request: PolicyRequest, response: ResponseView | undefined): boolean {
  switch (condition.kind) {
    case 'constant':
      return condition.value;
    case 'truthy': {
      const value = render(condition.value, request, response);
      return value !== '' && value !== 'false';
    }
    case 'compare': {
      const equal = render(condition.left, request, response) === render(condition.right, request, response);
      return condition.op === '==' ? equal : !equal;
    }
  }
}

function render(template: MessageTemplate, request: PolicyRequest, response: ResponseView | undefined): string {
  let out = '';
  for (const part of template) {
    if (part.kind === 'text') out += part.value;
    else out += lookup(part.ref, request, response) ?? '';
  }
  return out;
}

function lookup(ref: Extract<MessageTemplate[number], { kind: 'ref' }>['ref'], request: PolicyRequest, response: ResponseView | undefined): string | undefined {
  switch (ref.kind) {
    case 'statusCode':
      return response === undefined ? undefined : String(response.status);
    case 'method':
      return request.method;
    case 'requestPath':
      return request.path;
    case 'remoteAddress':
      return request.remoteAddress;
    case 'query':
      return request.query.get(ref.name) ?? undefined;
    case 'claim':
      return claimText(request.authentication?.properties.claims[ref.name]);
    case 'principal':
      return request.authentication?.principal;
    case 'clientId':
      return request.authentication?.clientId;
    case 'header': {
      // After the upstream, attributes are the response's (as in Flex's response phase).
      const value = response === undefined ? request.headers[ref.name] : response.headers[ref.name];
      return Array.isArray(value) ? value.join(', ') : value === undefined ? undefined : String(value);
    }
    case 'literal':
      return ref.value;
  }
}

const CONTROL = /[\u0000-\u001f\u007f]/g;

/** One line, bounded: control characters (a decoded query may hold a newline) are escaped. */
function printable(text: string): string {
  const cut = text.length > MAX_MESSAGE_CHARS ? `${text.slice(0, MAX_MESSAGE_CHARS)}… (${text.length - MAX_MESSAGE_CHARS} more characters)` : text;
  return cut.replace(CONTROL, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}
