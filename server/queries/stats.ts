// Where the stats figures come from. The stats router and the pages import
// these names from here only, so the source (raw SQL or rollups) is chosen in one place.
export { getApiSummary, getDailyInvocations, getViewStats } from './stats-raw';
