import type { AppInstance } from '../platform/http/app-instance.ts';
import { registerExport } from '../platform/http/export-format.ts';
import { exportPositions, POSITION_COLUMNS, PositionRecord, positionCsvRows } from './position-export.ts';

/** ERP export of inventory positions (docs/erp-exports.md). */
export async function positionExportRoutes(app: AppInstance): Promise<void> {
  registerExport(app, {
    url: '/v1/exports/inventory-positions',
    summary: 'Inventory positions changed since a cursor (all of them without one), as JSON or CSV',
    item: PositionRecord,
    columns: POSITION_COLUMNS,
    toRows: positionCsvRows,
    read: (query) => exportPositions(app.services.db, query),
  });
}
