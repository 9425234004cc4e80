import { type ErrorCode, errorCodes } from './error-codes.ts';

export interface FieldProblem {
  /** JSON pointer into the request part named by `in`. */
  pointer: string;
  detail: string;
  in?: 'body' | 'query' | 'path' | 'header';
}

/**
 * A failure that maps to one registered code. Thrown only for what a route cannot continue from;
 * expected business outcomes (insufficient stock, no route) are returned as typed results.
 */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly errors: FieldProblem[];
  readonly extra: Record<string, unknown>;

  constructor(
    code: ErrorCode,
    detail?: string,
    options: { errors?: FieldProblem[]; extra?: Record<string, unknown> } = {},
  ) {
    super(detail ?? errorCodes[code].title);
    this.code = code;
    this.status = errorCodes[code].status;
    this.errors = options.errors ?? [];
    this.extra = options.extra ?? {};
  }
}
