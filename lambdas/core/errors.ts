/**
 * Errors a person can cause or fix. Each carries a one-line message naming the file, field or
 * line; the CLI prints that line (and the stack only with `--debug`).
 */
export class AuditlakeError extends Error {
  override readonly name: string = 'AuditlakeError';
}

/** A detector file is invalid: bad header, unknown parameter, bad schedule. */
export class DetectorError extends AuditlakeError {
  override readonly name: string = 'DetectorError';
  constructor(
    readonly file: string,
    readonly field: string | undefined,
    problem: string,
  ) {
    super(`${file}: ${field ? `${field}: ` : ''}${problem}`);
  }
}

/** Configuration or command-line input is invalid. */
export class ConfigError extends AuditlakeError {
  override readonly name: string = 'ConfigError';
}

/** A query failed in an engine. `retryable` says whether the same query may succeed later. */
export class QueryFailedError extends AuditlakeError {
  override readonly name: string = 'QueryFailedError';
  constructor(
    message: string,
    readonly retryable: boolean,
    readonly queryId?: string,
  ) {
    super(message);
  }
}

/** A detector's result rows break the output contract (e.g. no `actor_id` column). */
export class OutputContractError extends AuditlakeError {
  override readonly name: string = 'OutputContractError';
}

/** The stored watermark moved under us: another run owns this detector's window. */
export class WatermarkConflictError extends AuditlakeError {
  override readonly name: string = 'WatermarkConflictError';
}
