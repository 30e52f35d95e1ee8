/** One case of a conformance run: its verdict, what was seen, and what to fix. */
export interface CaseResult {
  id: string
  title: string
  /** The same in Vietnamese, for the report. */
  titleVi: string
  verdict: 'pass' | 'fail'
  /** What was seen, in one sentence. */
  message: string
  /** When it fails: what to change in the vendor's system. */
  fix?: string
  evidence: unknown[]
}
