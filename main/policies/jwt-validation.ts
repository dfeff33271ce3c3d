/**
 * jwt-validation-flex: the token from the Bearer header (or jwtExpression) must be a JWS whose
 * algorithm is one the configuration names, signed by the configured key (textKey or the JWKS),
 * with claims that pass. Statuses as Flex documents them: no token 400, anything wrong with
 * the token 401, JWKS unreachable with nothing cached 503. Bodies say which check failed and
 * never contain the token. Validated claims go on request.authentication for later policies
 * (`#[authentication.properties.claims.sub]`). The checks themselves are in jwt-checks.ts,
 * shared with the token workbench.
 */
import type { JwtValidationConfig } from '../../shared/policies/jwt-validation';
import { createJwtTokenChecker, JWT_CODES, type JwtEvaluation } from './jwt-checks';
import { compileRequestExpression, type RequestValue } from './request-expression';
import type { PolicyDecision, PolicyDefinition, PolicyRequest } from './types';

export { JWT_CODES } from './jwt-checks';

const BEARER = /^Bearer[ \t]+(\S+)[ \t]*$/i;

function readBearer(request: PolicyRequest): string | undefined {
  const header = request.headers.authorization;
  return typeof header === 'string' ? BEARER.exec(header)?.[1] : undefined;
}

/** RFC 7230 quoted-string content: no quotes, backslashes or control characters. */
function quoted(text: string): string {
  return text.replace(/["\\]/g, "'").replace(/[^\x20-\x7e]/g, '');
}

export const jwtValidationPolicy: PolicyDefinition<JwtValidationConfig> = {
  name: 'jwt-validation-flex',
  create(config, context) {
    const realm = quoted(context.api.name || context.api.id);
    const readToken: RequestValue = config.jwtOrigin === 'customExpression' ? compileRequestExpression(config.jwtExpression) : readBearer;
    const checker = createJwtTokenChecker(config, context);

    const challenge = (error?: string): Record<string, string> => ({
      'www-authenticate': error ? `Bearer realm="${realm}", error="invalid_token", error_description="${quoted(error)}"` : `Bearer realm="${realm}"`,
    });

    /** The first failing check is the answer; RFC 6750 challenges where a token was refused. */
    const decide = ({ failure, note }: JwtEvaluation): PolicyDecision => {
      if (!failure) return { action: 'continue', detail: `token valid (${note})` };
      const { code, message, httpStatus } = failure;
      const detail = `${code}: ${failure.detail ?? message}`;
      if (httpStatus === 503) return { action: 'reject', status: 503, code, message, detail };
      // No token and no client: a bare challenge (nothing was wrong with a token's contents).
      const headers = challenge(code === JWT_CODES.missing || code === JWT_CODES.client ? undefined : message);
      return { action: 'reject', status: httpStatus, code, message, headers, detail };
    };

    return {
      onRequest(request) {
        const evaluation = checker.evaluate(readToken(request), request, true);
        return evaluation instanceof Promise ? evaluation.then(decide) : decide(evaluation);
      },
      dispose() {
        checker.dispose();
      },
    };
  },
};
