import type { Command } from 'commander';
import { verifyLedger } from '../../inventory/ledger-verifier.ts';
import { withServices } from './database-commands.ts';

export function registerInventoryCommand(program: Command): void {
  const inventory = program.command('inventory').description('Inventory tools.');
  inventory
    .command('verify')
    .description(
      'Check the ledger invariants of every position: on hand = sum of on-hand movements, reserved = sum of open reservations (and of reserved movements), nothing negative. Exits 1 on any breach.',
    )
    .action(async () => {
      const report = await withServices((s) => verifyLedger(s.db));
      for (const b of report.breaches) {
        console.log(`BREACH ${b.nodeId}/${b.sku} ${b.check}: expected ${b.expected}, found ${b.actual}`);
      }
      console.log(
        `${report.ok ? 'ok' : 'FAILED'}: ${report.positions} positions, ${report.movements} movements, ${report.openReservations} open reservations, ${report.breaches.length} breaches`,
      );
      process.exitCode = report.ok ? 0 : 1;
    });
}
