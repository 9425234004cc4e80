import type { FastifySchemaValidationError } from 'fastify';
import type { FieldProblem } from '../errors/app-error.ts';

type Part = 'body' | 'querystring' | 'params' | 'headers';

const partName: Record<Part, FieldProblem['in']> = {
  body: 'body',
  querystring: 'query',
  params: 'path',
  headers: 'header',
};

function escapePointer(segment: string): string {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}

/** Turns schema-validation errors into field problems whose pointer names the offending field. */
export function validationProblems(
  errors: FastifySchemaValidationError[],
  context: string | undefined,
): FieldProblem[] {
  const where = partName[(context ?? 'body') as Part] ?? 'body';
  return errors.map((e) => {
    const params = e.params as Record<string, unknown>;
    let pointer = e.instancePath ?? '';
    let detail = e.message ?? 'is not valid';
    if (e.keyword === 'required' && typeof params.missingProperty === 'string') {
      pointer = `${pointer}/${escapePointer(params.missingProperty)}`;
      detail = 'is required';
    } else if (e.keyword === 'additionalProperties' && typeof params.additionalProperty === 'string') {
      pointer = `${pointer}/${escapePointer(params.additionalProperty)}`;
      detail = 'is not a known field';
    } else if (e.keyword === 'enum' && Array.isArray(params.allowedValues)) {
      detail = `must be one of ${params.allowedValues.map((v) => JSON.stringify(v)).join(', ')}`;
    }
    return { pointer, detail, in: where };
  });
}
