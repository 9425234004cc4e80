import type { AppInstance } from '../platform/http/app-instance.ts';
import { registerExport } from '../platform/http/export-format.ts';
import { exportReturns, RETURN_COLUMNS, ReturnRecord, returnCsvRows } from './return-export.ts';

/** ERP export of returns (docs/erp-exports.md). */
export async function returnExportRoutes(app: AppInstance): Promise<void> {
  registerExport(app, {
    url: '/v1/exports/returns',
    summary: 'Returns authorised or received since a cursor, as JSON or CSV',
    item: ReturnRecord,
    columns: RETURN_COLUMNS,
    toRows: returnCsvRows,
    read: (query) => exportReturns(app.services.db, query),
  });
}
