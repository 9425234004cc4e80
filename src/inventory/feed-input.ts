import { AppError, type FieldProblem } from '../platform/errors/app-error.ts';
import { eachCsvRecord } from './csv-parser.ts';
import { FEED_FIELDS, type FeedRow, FeedRowReader, MAX_PROBLEMS, REQUIRED_FEED_FIELDS } from './feed-rows.ts';

function reject(problems: FieldProblem[]): never {
  const first = problems[0];
  throw new AppError(
    'invalid-feed-row',
    `${problems.length}${problems.length >= MAX_PROBLEMS ? '+' : ''} problems; first: ${first?.pointer} ${first?.detail}; nothing was applied`,
    { errors: problems },
  );
}

/** Validates JSON rows (objects); every problem names `/rows/{index}/{field}`. */
export function feedRowsFromJson(body: unknown[], now = Date.now()): FeedRow[] {
  const problems: FieldProblem[] = [];
  const reader = new FeedRowReader(now, problems);
  const rows: FeedRow[] = [];
  for (let i = 0; i < body.length && problems.length < MAX_PROBLEMS; i++) {
    const raw = body[i];
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
      problems.push({ pointer: `/rows/${i}`, detail: 'must be an object', in: 'body' });
      continue;
    }
    const row = reader.read({ json: raw as Record<string, unknown> }, i);
    if (row) rows.push(row);
  }
  if (problems.length) reject(problems);
  return rows;
}

/**
 * Validates a CSV feed: a header naming the columns (kind,nodeId,sku,quantity,source,sourceId and
 * optionally sequence,asOf,reason,correlationId, in any order), then one row per line. Records are
 * validated as they are scanned; a syntax error anywhere rejects the file on its own.
 */
export function feedRowsFromCsv(text: string, now = Date.now()): FeedRow[] {
  const problems: FieldProblem[] = [];
  const reader = new FeedRowReader(now, problems);
  const rows: FeedRow[] = [];
  let source: { csv: string[]; columns: Map<string, number> } | undefined;
  let width = 0;
  let i = 0;
  const scan = eachCsvRecord(text, (fields, line) => {
    if (!source) {
      width = fields.length;
      source = { csv: fields, columns: header(fields.map((f) => f.trim())) };
      return;
    }
    if (problems.length >= MAX_PROBLEMS) return;
    if (fields.length !== width) {
      problems.push({
        pointer: `/rows/${i}`,
        detail: `line ${line} has ${fields.length} fields, the header ${width}`,
        in: 'body',
      });
    } else {
      source.csv = fields;
      const row = reader.read(source, i, line);
      if (row) rows.push(row);
    }
    i++;
  });
  if (!scan.ok) reject([{ pointer: '/rows', detail: `line ${scan.line}: ${scan.detail}`, in: 'body' }]);
  if (!source) reject([{ pointer: '/header', detail: 'the CSV has no header line', in: 'body' }]);
  if (problems.length) reject(problems);
  return rows;
}

/** The column of each field, or a rejection naming unknown and missing columns. */
function header(columns: string[]): Map<string, number> {
  const problems: FieldProblem[] = [];
  for (const c of columns) {
    if (!(FEED_FIELDS as readonly string[]).includes(c))
      problems.push({ pointer: `/header/${c}`, detail: 'is not a known column', in: 'body' });
  }
  for (const c of REQUIRED_FEED_FIELDS) {
    if (!columns.includes(c))
      problems.push({ pointer: `/header/${c}`, detail: 'column is missing', in: 'body' });
  }
  if (problems.length) reject(problems);
  return new Map(columns.map((c, i) => [c, i]));
}
