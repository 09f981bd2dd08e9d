// Where the stats figures come from. The stats router and the pages import
// these names from here only, so the source (raw SQL or rollups) is chosen in one place:
// the rollups, which the database keeps exact in every writer's transaction
// (stats-raw.ts stays as the naive reference for tests and the benchmark).
export { getApiSummary, getDailyInvocations, getViewStats } from './stats-rollup';
