import type { AppInstance } from '../platform/http/app-instance.ts';
import { registerExport } from '../platform/http/export-format.ts';
import { exportShipments, SHIPMENT_COLUMNS, ShipmentRecord, shipmentCsvRows } from './shipment-export.ts';

/** ERP export of shipments (docs/erp-exports.md). */
export async function shipmentExportRoutes(app: AppInstance): Promise<void> {
  registerExport(app, {
    url: '/v1/exports/shipments',
    summary: 'Shipments shipped, delivered or picked up since a cursor, as JSON or CSV',
    item: ShipmentRecord,
    columns: SHIPMENT_COLUMNS,
    toRows: shipmentCsvRows,
    read: (query) => exportShipments(app.services.db, query),
  });
}
