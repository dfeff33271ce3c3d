/**
 * The `spec` of spec-validation-flex as text: YAML or JSON (read with the hardened YAML parser),
 * or the same in base64 (as Flex's files often carry it). Returns the document or a message.
 */
import { parseYamlSafely } from '../../shared/yaml-safe';

const MAX_SPEC_BYTES = 10 * 1024 * 1024;

export function parseOpenApiText(text: string): Record<string, unknown> | string {
  const trimmed = text.trim();
  const decoded = /^[A-Za-z0-9+/=\s]+$/.test(trimmed) && !trimmed.includes(':') ? Buffer.from(trimmed, 'base64').toString('utf8') : trimmed;
  const parsed = parseYamlSafely(decoded, { maxBytes: MAX_SPEC_BYTES, uniqueKeys: false });
  const issue = parsed.errors[0];
  if (issue) return `${issue.line ? `line ${issue.line}: ` : ''}${issue.message}`;
  const document = parsed.documents[0]?.toValue() as unknown;
  if (!document || typeof document !== 'object' || Array.isArray(document)) return 'not an OpenAPI document (expected an object with "openapi" and "paths")';
  return document as Record<string, unknown>;
}
