import { Type } from '@sinclair/typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FieldProblem } from './app-error.ts';
import { type ErrorCode, errorCodes } from './error-codes.ts';

/** RFC 9457 problem details, plus our stable `code` and the offending field's JSON pointer. */
export const ProblemSchema = Type.Object(
  {
    type: Type.String(),
    title: Type.String(),
    status: Type.Integer(),
    code: Type.String(),
    detail: Type.Optional(Type.String()),
    instance: Type.Optional(Type.String()),
    pointer: Type.Optional(Type.String({ description: 'JSON pointer of the first offending field' })),
    errors: Type.Optional(
      Type.Array(
        Type.Object({
          pointer: Type.String(),
          detail: Type.String(),
          in: Type.Optional(Type.String()),
        }),
      ),
    ),
  },
  { $id: 'Problem', additionalProperties: true },
);

export function problemBody(
  code: ErrorCode,
  detail: string | undefined,
  request: FastifyRequest,
  errors: FieldProblem[] = [],
  extra: Record<string, unknown> = {},
) {
  const spec = errorCodes[code];
  return {
    type: `https://ordergrid.dev/problems/${code}`,
    title: spec.title,
    status: spec.status,
    code,
    ...(detail ? { detail } : {}),
    instance: request.url,
    ...(errors[0] ? { pointer: errors[0].pointer, errors } : {}),
    ...extra,
  };
}

export function sendProblem(
  reply: FastifyReply,
  request: FastifyRequest,
  code: ErrorCode,
  detail?: string,
  errors: FieldProblem[] = [],
  extra: Record<string, unknown> = {},
) {
  return reply
    .status(errorCodes[code].status)
    .type('application/problem+json')
    .send(problemBody(code, detail, request, errors, extra));
}
