import { AppError, type FieldProblem } from '../platform/errors/app-error.ts';
import { parseCsv } from './csv-parser.ts';
import { FEED_FIELDS, type FeedRow, MAX_PROBLEMS, parseFeedRow, REQUIRED_FEED_FIELDS } from './feed-rows.ts';

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
  const rows: FeedRow[] = [];
  for (let i = 0; i < body.length && problems.length < MAX_PROBLEMS; i++) {
    const raw = body[i];
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
      problems.push({ pointer: `/rows/${i}`, detail: 'must be an object', in: 'body' });
      continue;
    }
    const row = parseFeedRow(raw as Record<string, unknown>, i, false, now, problems);
    if (row) rows.push(row);
  }
  if (problems.length) reject(problems);
  return rows;
}

/**
 * Validates a CSV feed: a header naming the columns (kind,nodeId,sku,quantity,source,sourceId and
 * optionally sequence,asOf,reason,correlationId, in any order), then one row per line.
 */
export function feedRowsFromCsv(text: string, now = Date.now()): FeedRow[] {
  const parsed = parseCsv(text);
  if (!parsed.ok) reject([{ pointer: '/rows', detail: `line ${parsed.line}: ${parsed.detail}`, in: 'body' }]);
  const [header, ...records] = parsed.records;
  if (!header) reject([{ pointer: '/header', detail: 'the CSV has no header line', in: 'body' }]);
  const columns = header.fields.map((f) => f.trim());
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
  const rows: FeedRow[] = [];
  for (let i = 0; i < records.length && problems.length < MAX_PROBLEMS; i++) {
    const rec = records[i]!;
    if (rec.fields.length !== columns.length) {
      problems.push({
        pointer: `/rows/${i}`,
        detail: `line ${rec.line} has ${rec.fields.length} fields, the header ${columns.length}`,
        in: 'body',
      });
      continue;
    }
    const raw: Record<string, unknown> = {};
    for (let c = 0; c < columns.length; c++) raw[columns[c]!] = rec.fields[c];
    const row = parseFeedRow(raw, i, true, now, problems, ` (line ${rec.line})`);
    if (row) rows.push(row);
  }
  if (problems.length) reject(problems);
  return rows;
}
