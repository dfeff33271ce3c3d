/**
 * json-threat-protection-flex: JSON request bodies are scanned as they arrive (json-scanner.ts)
 * through the body-inspection hook, so a body is refused at the first byte past a limit,
 * whatever its size. As in Flex, only bodies whose Content-Type is JSON (or absent) are
 * checked; responses pass untouched.
 */
import type { JsonThreatProtectionConfig } from '../../shared/policies/json-threat-protection';
import { JsonScanner, type JsonLimits } from './json-scanner';
import type { BodyInspector, BodyRefusal, PolicyDefinition, PolicyRequest } from './types';

export const JSON_THREAT_CODE = 'JSON_THREAT_DETECTED';
export const INVALID_JSON_CODE = 'INVALID_JSON';

export const jsonThreatProtectionPolicy: PolicyDefinition<JsonThreatProtectionConfig> = {
  name: 'json-threat-protection-flex',
  create(config, context) {
    const limits: JsonLimits = { ...config };
    const binding = { id: context.binding.id, name: context.binding.name };
    const set = Object.entries(limits).filter(([, value]) => value >= 0);
    const summary = set.length === 0 ? 'no limits set' : set.map(([key, value]) => `${key} ${value}`).join(', ');
    const checking = `checking the JSON body as it arrives (${summary})`;
    return {
      onRequest(request) {
        if (!hasBody(request)) return { action: 'continue', detail: 'no body' };
        if (!isJson(request)) return { action: 'continue', detail: 'not a JSON body; not checked' };
        if (request.inspectBody === undefined) return { action: 'continue', detail: 'no body is read here; not checked' };
        request.inspectBody(new JsonBodyInspector(binding, limits));
        return { action: 'continue', detail: checking };
      },
    };
  },
};

class JsonBodyInspector implements BodyInspector {
  private readonly scanner: JsonScanner;

  constructor(
    readonly binding: { id: string; name: string },
    limits: JsonLimits,
  ) {
    this.scanner = new JsonScanner(limits);
  }

  chunk(data: Buffer): BodyRefusal | undefined {
    const violation = this.scanner.write(data);
    return violation === undefined ? undefined : refusal(violation.limit, violation.message);
  }

  end(): BodyRefusal | undefined {
    const violation = this.scanner.end();
    return violation === undefined ? undefined : refusal(violation.limit, violation.message);
  }
}

function refusal(limit: string, message: string): BodyRefusal {
  return { status: 400, code: limit === 'syntax' ? INVALID_JSON_CODE : JSON_THREAT_CODE, message };
}

function hasBody(request: PolicyRequest): boolean {
  const length = request.headers['content-length'];
  return request.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

/** Flex checks `application/json…` and requests without a Content-Type; `+json` types too here. */
function isJson(request: PolicyRequest): boolean {
  const type = request.headers['content-type'];
  if (type === undefined || type === '') return true;
  const essence = type.split(';', 1)[0]!.trim().toLowerCase();
  return essence === 'application/json' || (essence.startsWith('application/') && essence.endsWith('+json'));
}
