export { FLOWS, flowMessages, KIT_DEPARTMENT, KIT_DESK } from './flows.js'
export { foreignKey, push, type PushAttempt, type Spoil } from './push.js'
export {
  buildReport,
  renderReportHtml,
  REPORT_TYPE,
  signReport,
  verifyReport,
  type ConformanceReport,
  type ReportVerdict,
  type SignedReport,
} from './report.js'
export { DEFAULT_WIRE, runConformance, type CaseResult, type ConformanceRole, type RunOptions } from './run.js'
export { createReportStore, type RecordedReport, type ReportStore } from './report-store.js'
export { CALLBACK_CASES, runCallbackCases, type CallbackOptions } from './callback.js'
export { createRelay, stepOf, type Relay, type RelayedCall, type RelayPlan } from './relay.js'
