/** Public API of the what-if simulator: pure replays through the routing engine. */
export {
  type HistoryOrder,
  historyScenario,
  type NetworkState,
  parseHistoryCsv,
} from './history-scenario.ts';
export type { PolicyMetrics, PolicySeries } from './metrics.ts';
export { demoNetworkState, problemNetworkState } from './network-states.ts';
export { NAMED_POLICIES, type PolicySource, resolvePolicies } from './policy-catalog.ts';
export { problemScenario } from './problem-scenario.ts';
export { renderReportHtml } from './report-html.ts';
export { formatReportTable } from './report-table.ts';
export { DEFAULT_RETAIL, type RetailScenarioOptions, retailScenario } from './retail-scenario.ts';
export type * from './sim-types.ts';
export {
  type BatchComparison,
  type PolicyReport,
  runSimulation,
  type SimulationReport,
  type SimulationStats,
} from './simulator.ts';
