/**
 * A policy failure with a status of its own, for the pipeline and the response interception to
 * answer with instead of their generic 500: a custom policy's hook that did not settle in time
 * is a 504 (POLICY_TIMEOUT), like the gateway's other timeouts. Its message is written by the
 * gateway (never the policy's own error text), so the client may read it.
 */
export class PolicyFailure extends Error {
  override readonly name = 'PolicyFailure';

  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}
