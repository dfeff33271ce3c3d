/**
 * The one error `GatewayRuntime.apply` throws: the snapshot (or a port it needs) is unusable.
 * The old snapshot keeps serving. `details` name the offending field so that producers (config
 * compiler, control plane) can point at a file and line.
 */
import type { ErrorDetail } from '../../shared/errors';
import type { SourceLocation } from './snapshot';

export class SnapshotError extends Error {
  readonly code = 'INVALID_SNAPSHOT';
  readonly details: ErrorDetail[];

  constructor(message: string, details: ErrorDetail[] = []) {
    super(message);
    this.name = 'SnapshotError';
    this.details = details;
  }

  /** One problem with one field, optionally located in a source file. */
  static at(path: string, message: string, source?: SourceLocation): SnapshotError {
    const where = source ? `${source.file}${source.line ? `:${source.line}` : ''}: ` : '';
    return new SnapshotError(`${where}${path}: ${message}`, [{ path, message, file: source?.file, line: source?.line }]);
  }
}
