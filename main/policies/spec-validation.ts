/**
 * spec-validation-flex: each request is checked against an OpenAPI 3 document compiled once per
 * binding (openapi-validator.ts): its operation (path and method), path/query/header parameters
 * and, for an operation with a requestBody, the body by content type (JSON bodies against the
 * schema, read as they arrive through a body inspector, so a refused body never reaches the
 * upstream). A blocking binding answers 400 listing every violation as `location.path: message`;
 * otherwise the violations are logged and traced and the request goes through. With
 * validateResponses, upstream responses are checked too and violations logged.
 */
import { createHash } from 'node:crypto';
import type { SpecValidationConfig } from '../../shared/policies/spec-validation';
import { parseOpenApiText } from './openapi-document';
import { checkJsonBody, checkParameters, CompiledSpec, declaredMedia, formatViolation, type CompiledOperation, type Violation } from './openapi-validator';
import type { BodyRefusal, PolicyCompileContext, PolicyDecision, PolicyDefinition, PolicyRequest } from './types';

export const SPEC_VIOLATION = 'SPEC_VIOLATION';
/** Bodies larger than this are not read for validation: refused when they must be checked. */
export const MAX_VALIDATED_BODY_BYTES = 8 * 1024 * 1024;
const MAX_LOGGED_RESPONSE_BYTES = 1024 * 1024;

export const specValidationPolicy: PolicyDefinition<SpecValidationConfig> = {
  name: 'spec-validation-flex',
  create(config, context) {
    if (config.spec === undefined) throw new Error('spec: no OpenAPI document: source "context" needs the API\'s imported document (the app keeps it when an API is imported from OpenAPI); give spec otherwise');
    const spec = compiledSpec(config.spec);
    const base = config.apiBasePath.replace(/\/$/, '');
    return { onRequest: (request) => decide(spec, config, context, base, request) };
  },
};

function decide(spec: CompiledSpec, config: SpecValidationConfig, context: PolicyCompileContext, base: string, request: PolicyRequest): PolicyDecision {
  let path = request.path.slice(request.api.basePath === '/' ? 0 : request.api.basePath.length) || '/';
  if (base !== '' && (path === base || path.startsWith(`${base}/`))) path = path.slice(base.length) || '/';
  const found = spec.match(request.method, path);
  if (found.kind === 'no-path') return violated(config, context, request, [{ at: 'path', message: `${request.method} ${path} matches no path of the OpenAPI document` }]);
  if (found.kind === 'no-method')
    return violated(config, context, request, [{ at: 'method', message: `${request.method} is not an operation of ${found.template} (${found.allowed.join(', ')})` }]);
  const operation = found.operation;
  const violations = checkParameters(operation, found.pathParams, request.query, request.headers, config.strictParamsValidation);
  const hasBody = request.headers['transfer-encoding'] !== undefined || (request.headers['content-length'] !== undefined && request.headers['content-length'] !== '0');
  if (operation.body === undefined) {
    if (config.validateResponses) checkResponse(operation, context, request);
    return violations.length === 0 ? { action: 'continue', detail: `matches ${operation.label}` } : violated(config, context, request, violations);
  }
  if (!hasBody) {
    if (operation.body.required) violations.push({ at: 'body', message: `is required by ${operation.label}` });
    if (config.validateResponses) checkResponse(operation, context, request);
    return violations.length === 0 ? { action: 'continue', detail: `matches ${operation.label}` } : violated(config, context, request, violations);
  }
  const media = declaredMedia(operation.body.media, contentTypeOf(request));
  if (media === undefined)
    violations.push({ at: 'header.content-type', message: `${JSON.stringify(contentTypeOf(request) ?? '')} is not a content type of ${operation.label} (${[...operation.body.media.keys()].join(', ')})` });
  if (media?.value === undefined || request.inspectBody === undefined) {
    if (config.validateResponses) checkResponse(operation, context, request);
    return violations.length === 0 ? { action: 'continue', detail: `matches ${operation.label}` } : violated(config, context, request, violations);
  }
  // The JSON body is checked as it arrives; every violation, parameters' too, is answered then.
  const validate = media.value;
  const chunks: Buffer[] = [];
  let size = 0;
  request.inspectBody({
    binding: context.binding,
    chunk(data): BodyRefusal | undefined {
      size += data.length;
      if (size > MAX_VALIDATED_BODY_BYTES)
        return config.blockOperation ? { status: 413, code: SPEC_VIOLATION, message: `body: larger than ${MAX_VALIDATED_BODY_BYTES} bytes, the most spec validation reads` } : undefined;
      chunks.push(data);
      return undefined;
    },
    end(): BodyRefusal | undefined {
      if (size > MAX_VALIDATED_BODY_BYTES) return undefined;
      const all = [...violations, ...checkJsonBody(validate, Buffer.concat(chunks, size).toString('utf8'), 'body')];
      if (all.length === 0) return undefined;
      const message = summary(all);
      if (!config.blockOperation) {
        context.log('warn', `spec-validation-flex: ${request.method} ${request.path} (let through): ${message}`);
        return undefined;
      }
      return { status: 400, code: SPEC_VIOLATION, message };
    },
  });
  if (config.validateResponses) checkResponse(operation, context, request);
  return { action: 'continue', detail: `matches ${operation.label}${violations.length ? ` except ${violations.length} parameter violation(s)` : ''}; checking the ${media.type} body as it arrives` };
}

/**
 * Compiled documents by content: a reload that keeps the document (most reloads change
 * something else) reuses its validators instead of compiling every schema again.
 */
const compiledSpecs = new Map<string, CompiledSpec>();
const MAX_COMPILED_SPECS = 16;

function compiledSpec(text: string): CompiledSpec {
  const key = createHash('sha256').update(text).digest('base64url');
  const known = compiledSpecs.get(key);
  if (known !== undefined) return known;
  const document = parseOpenApiText(text);
  if (typeof document === 'string') throw new Error(`spec: ${document}`);
  let spec: CompiledSpec;
  try {
    spec = new CompiledSpec(document);
  } catch (error) {
    throw new Error(`spec: ${(error as Error).message}`);
  }
  if (compiledSpecs.size >= MAX_COMPILED_SPECS) compiledSpecs.delete(compiledSpecs.keys().next().value!);
  compiledSpecs.set(key, spec);
  return spec;
}

function contentTypeOf(request: PolicyRequest): string | undefined {
  const value = request.headers['content-type'];
  return Array.isArray(value) ? value[0] : value;
}

function summary(violations: readonly Violation[]): string {
  const lines = violations.map(formatViolation);
  return `the request does not match the OpenAPI document (${lines.length} violation${lines.length === 1 ? '' : 's'}): ${lines.join('; ')}`;
}

function violated(config: SpecValidationConfig, context: PolicyCompileContext, request: PolicyRequest, violations: Violation[]): PolicyDecision {
  const message = summary(violations);
  if (!config.blockOperation) {
    context.log('warn', `spec-validation-flex: ${request.method} ${request.path} (let through): ${message}`);
    return { action: 'continue', detail: `let through (blockOperation is off): ${message}` };
  }
  return { action: 'reject', status: 400, code: SPEC_VIOLATION, message };
}

/** Responses are on their way to the client: what does not match is logged, never blocked. */
function checkResponse(operation: CompiledOperation, context: PolicyCompileContext, request: PolicyRequest): void {
  if (request.captureResponseBody === undefined) return;
  let validate: ReturnType<typeof declaredMedia<unknown>> | undefined;
  const report = (violations: Violation[]) => {
    if (violations.length > 0)
      context.log('warn', `spec-validation-flex: the response to ${request.method} ${request.path} does not match ${operation.label}: ${violations.map(formatViolation).join('; ')}`);
  };
  request.captureResponseBody({
    maxBytes: MAX_LOGGED_RESPONSE_BYTES,
    head(status, headers) {
      const code = String(status);
      const media = operation.responses.get(code) ?? operation.responses.get(`${code[0]}XX`) ?? operation.responses.get('DEFAULT');
      if (media === undefined) {
        report([{ at: 'response.status', message: `${status} is not a response of ${operation.label} (${[...operation.responses.keys()].join(', ')})` }]);
        return false;
      }
      if (media.size === 0 || status === 204 || status === 304) return false;
      const type = headers['content-type'];
      validate = declaredMedia(media, Array.isArray(type) ? type[0] : type === undefined ? undefined : String(type));
      if (validate === undefined) {
        report([{ at: 'response.header.content-type', message: `${JSON.stringify(type ?? '')} is not a content type of the ${status} response (${[...media.keys()].join(', ')})` }]);
        return false;
      }
      return validate.value !== undefined;
    },
    done(body) {
      if (body === undefined || validate?.value === undefined) return;
      report(checkJsonBody(validate.value as Parameters<typeof checkJsonBody>[0], body.toString('utf8'), 'response.body'));
    },
  });
}
