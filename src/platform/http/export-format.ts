import { type TSchema, Type } from '@sinclair/typebox';
import type { FastifyReply } from 'fastify';
import { access } from '../auth/roles.ts';
import type { AppInstance } from './app-instance.ts';
import { problemResponses } from './problem-responses.ts';

/** A CSV cell value: text, number, boolean, timestamp, or empty. */
export type CsvValue = string | number | boolean | Date | null | undefined;

/**
 * One CSV field per RFC 4180: a field holding a quote, comma, CR or LF, or starting or ending with
 * a blank, is quoted and its quotes doubled; empty for null. Text is written as given (UTF-8, no
 * formula escaping: these files are for systems, and altering values would corrupt them).
 */
export function csvField(value: CsvValue): string {
  if (value === null || value === undefined) return '';
  const text = value instanceof Date ? value.toISOString() : String(value);
  return /[",\r\n]|^\s|\s$/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** A CSV document: the header line, then one line per row, CRLF-terminated. */
export function toCsv(columns: readonly string[], rows: Iterable<readonly CsvValue[]>): string {
  const lines = [columns.map(csvField).join(',')];
  for (const row of rows) lines.push(row.map(csvField).join(','));
  return `${lines.join('\r\n')}\r\n`;
}

/** Query fields every export takes. */
export const exportQueryFields = {
  cursor: Type.Optional(
    Type.String({ maxLength: 4096, description: 'nextCursor of the previous call; absent = from the start' }),
  ),
  limit: Type.Integer({ minimum: 1, maximum: 1000, default: 500 }),
  format: Type.Optional(
    Type.Union([Type.Literal('json'), Type.Literal('csv')], {
      description: 'Overrides the Accept header (text/csv or application/json; JSON by default)',
    }),
  ),
};

/** The JSON page of an export, and the CSV alternative, for a route's 200 response. */
export function exportResponse(item: TSchema, csvColumns: readonly string[]) {
  return {
    content: {
      'application/json': {
        schema: Type.Object(
          {
            items: Type.Array(item),
            nextCursor: Type.String({
              description: 'Store it and pass it next time (unchanged when nothing is new)',
            }),
            hasMore: Type.Boolean({ description: 'true: call again at once with nextCursor' }),
          },
          { additionalProperties: false },
        ),
      },
      'text/csv': {
        schema: Type.String({
          description: `Columns: ${csvColumns.join(', ')}. Headers ordergrid-next-cursor and ordergrid-has-more carry the paging.`,
        }),
      },
    },
  };
}

/** CSV when the Accept header ranks text/csv above JSON (q-values honoured); JSON otherwise. */
export function preferredFormat(accept: string | undefined): 'json' | 'csv' {
  let csv = -1;
  let json = -1;
  for (const part of (accept ?? '').split(',')) {
    const [type = '', ...params] = part.trim().toLowerCase().split(';');
    const qParam = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const q = qParam ? Number(qParam.slice(2)) : 1;
    if (!Number.isFinite(q)) continue;
    if (type === 'text/csv') csv = Math.max(csv, q);
    else if (type === 'application/json') json = Math.max(json, q);
    // A wildcard loses a tie against an explicitly named text/csv.
    else if (type === 'application/*' || type === '*/*') json = Math.max(json, q - 0.001);
  }
  return csv > 0 && csv > json ? 'csv' : 'json';
}

export interface ExportPage<T> {
  items: T[];
  nextCursor: string;
  hasMore: boolean;
}

/** Sends a page as JSON, or as CSV (rows flattened by `toRows`) when asked by `format` or Accept. */
export function sendExport<T>(
  request: { query: { format?: 'json' | 'csv' }; headers: { accept?: string } },
  reply: FastifyReply,
  page: ExportPage<T>,
  csv: { columns: readonly string[]; toRows: (item: T) => CsvValue[][] },
): FastifyReply {
  const format = request.query.format ?? preferredFormat(request.headers.accept);
  if (format !== 'csv') return reply.type('application/json').send(page);
  return reply
    .type('text/csv; charset=utf-8')
    .header('ordergrid-next-cursor', page.nextCursor)
    .header('ordergrid-has-more', String(page.hasMore))
    .send(toCsv(csv.columns, page.items.flatMap(csv.toRows)));
}

export interface ExportSpec<T> {
  url: string;
  summary: string;
  item: TSchema;
  columns: readonly string[];
  toRows: (item: T) => CsvValue[][];
  read: (query: { cursor?: string; limit: number }) => Promise<ExportPage<T>>;
}

const ExportQuery = Type.Object(exportQueryFields, { additionalProperties: false });

/** Registers one export route (readers of every node: not associates; integration keys may). */
export function registerExport<T>(app: AppInstance, spec: ExportSpec<T>): void {
  app.get(
    spec.url,
    {
      config: { roles: access.readAll },
      schema: {
        tags: ['exports'],
        summary: spec.summary,
        querystring: ExportQuery,
        response: { 200: exportResponse(spec.item, spec.columns), ...problemResponses },
      },
    },
    async (request, reply) =>
      sendExport(request, reply, await spec.read(request.query), {
        columns: spec.columns,
        toRows: spec.toRows,
      }),
  );
}
