/**
 * spec-validation-flex's `spec` may name an OpenAPI file: in local mode it is read here,
 * relative to the YAML file that binds the policy, and its text replaces the path, so the
 * snapshot (and every replica) carries the document itself.
 */
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { looksLikeSpecPath } from '../../shared/policies/spec-validation';

const MAX_SPEC_FILE_BYTES = 10 * 1024 * 1024;

/** The config with the file's text in `spec`, or a message naming the file. */
export function inlineSpecFile(config: Record<string, unknown>, yamlFile: string): Record<string, unknown> | string {
  const spec = config.spec;
  if (spec === undefined) return 'local mode has no API document for source "context": give spec (the document, or a file path relative to this file)';
  if (typeof spec !== 'string' || !looksLikeSpecPath(spec)) return config;
  const file = path.resolve(path.dirname(yamlFile), spec.trim());
  try {
    const size = statSync(file).size;
    if (size > MAX_SPEC_FILE_BYTES) return `${file} is too large (${size} bytes; at most ${MAX_SPEC_FILE_BYTES})`;
    return { ...config, spec: readFileSync(file, 'utf8') };
  } catch (error) {
    return `cannot read the OpenAPI file ${file}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}`;
  }
}
