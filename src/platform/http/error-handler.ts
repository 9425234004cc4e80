import type { FastifyError, FastifyInstance } from 'fastify';
import { AppError } from '../errors/app-error.ts';
import { sendProblem } from '../errors/problem.ts';
import { isDatabaseUnavailable } from './database-unavailable.ts';
import { validationProblems } from './validation-problems.ts';

/**
 * Text that JSON can carry but PostgreSQL cannot store: NUL in text (22021) or jsonb (22P05), an
 * unpaired surrogate in jsonb (22P02 on type json; the server itself only writes JSON.stringify output).
 */
function isUnstorableText(error: FastifyError): boolean {
  const code = error.code as string;
  return code === '22021' || code === '22P05' || (code === '22P02' && error.message.includes('type json'));
}

/** Maps every failure to a problem+json body with a registered code; a client mistake never yields a 500. */
export function installErrorHandling(app: FastifyInstance): void {
  app.setNotFoundHandler((request, reply) =>
    sendProblem(
      reply,
      request,
      'route-not-found',
      `${request.method} ${request.url.split('?')[0]} is not a route`,
    ),
  );

  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof AppError) {
      return sendProblem(reply, request, error.code, error.message, error.errors, error.extra);
    }
    if (error.validation) {
      const errors = validationProblems(error.validation, error.validationContext);
      const first = errors[0];
      const detail = first ? `${first.in} ${first.pointer || '(root)'} ${first.detail}` : error.message;
      return sendProblem(reply, request, 'invalid-request', detail, errors);
    }
    switch (error.code) {
      case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
        return sendProblem(reply, request, 'unsupported-media-type', error.message);
      case 'FST_ERR_CTP_BODY_TOO_LARGE':
        return sendProblem(reply, request, 'payload-too-large', error.message);
      case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      case 'FST_ERR_CTP_INVALID_JSON_BODY':
      case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
        return sendProblem(reply, request, 'malformed-body', error.message);
    }
    if (isUnstorableText(error)) {
      return sendProblem(
        reply,
        request,
        'invalid-request',
        'Text may not contain NUL characters (\\u0000) or unpaired UTF-16 surrogates',
      );
    }
    if (error instanceof SyntaxError || error.code === 'FST_ERR_BAD_URL') {
      return sendProblem(reply, request, 'malformed-body', error.message);
    }
    if (isDatabaseUnavailable(error)) {
      reply.header('retry-after', '2');
      return sendProblem(
        reply,
        request,
        'database-unavailable',
        'The database cannot be reached; retry shortly',
      );
    }
    if (typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500) {
      if (error.statusCode === 429) return sendProblem(reply, request, 'rate-limited', error.message);
      return sendProblem(reply, request, 'invalid-request', error.message);
    }
    request.log.error({ err: error }, 'unhandled error');
    return sendProblem(reply, request, 'internal', 'An unexpected error occurred; it has been logged');
  });
}
