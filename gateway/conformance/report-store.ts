/**
 * The conformance reports recorded for partner agencies, in the database: what the console shows
 * per partner, and what clears an agency whose policy requires a green report before its clients
 * get tokens. Reports are stored as signed and checked again when read for a decision, so a row
 * edited in the database clears nobody.
 */
import type { Queryable } from '../database/index.js'
import type { SignedReport } from './report.js'
import { verifyReport } from './report.js'

export interface RecordedReport {
  agency: string
  role: string
  wire: string
  target: string
  contractVersion: string
  green: boolean
  passed: number
  failed: number
  finishedAt: string
  recordedAt: string
  recordedBy: string
}

type PublishedKeys = ReadonlyArray<{ kid?: string; kty?: string; crv?: string; x?: string; y?: string }>

export interface ReportStore {
  /** Stores a report already verified by the caller. */
  record(agency: string, report: SignedReport, recordedBy: string, at?: Date): Promise<void>
  /** The latest report of each agency, newest first. */
  latest(): Promise<RecordedReport[]>
  /**
   * Null when `agency` holds a green report under `contractVersion` whose signature still verifies
   * under `keys`; otherwise why not, in words for the refused client.
   */
  clearance(agency: string, contractVersion: string, keys: PublishedKeys): Promise<string | null>
}

interface Row {
  agency: string
  role: string
  wire: string
  target: string
  contract_version: string
  green: boolean
  passed: number
  failed: number
  finished_at: Date | string
  recorded_at: Date | string
  recorded_by: string
}

const iso = (value: Date | string) => new Date(value).toISOString()

export function createReportStore(db: Queryable): ReportStore {
  return {
    async record(agency, report, recordedBy, at = new Date()) {
      await db.query(
        `insert into conformance_reports (agency, role, wire, target, contract_version, green, passed, failed, finished_at, recorded_at, recorded_by, report)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
        [
          agency,
          report.role,
          report.wire,
          report.target,
          report.contractVersion,
          report.green,
          report.summary.passed,
          report.summary.failed,
          report.finishedAt,
          at.toISOString(),
          recordedBy,
          JSON.stringify(report),
        ],
      )
    },

    async latest() {
      const rows = await db.query<Row>(
        `select distinct on (agency) agency, role, wire, target, contract_version, green, passed, failed, finished_at, recorded_at, recorded_by
         from conformance_reports order by agency, recorded_at desc, id desc`,
      )
      return rows
        .map((row) => ({
          agency: row.agency,
          role: row.role,
          wire: row.wire,
          target: row.target,
          contractVersion: row.contract_version,
          green: row.green,
          passed: Number(row.passed),
          failed: Number(row.failed),
          finishedAt: iso(row.finished_at),
          recordedAt: iso(row.recorded_at),
          recordedBy: row.recorded_by,
        }))
        .sort((a, b) => b.recordedAt.localeCompare(a.recordedAt))
    },

    async clearance(agency, contractVersion, keys) {
      // The latest report recorded for the agency, green or not: a red run recorded later revokes
      // an earlier green one. Every fact is taken from the signed report, none from the columns.
      const rows = await db.query<{ report: string }>(`select report from conformance_reports where agency = $1 order by recorded_at desc, id desc limit 1`, [
        agency,
      ])
      const row = rows[0]
      const missing = `agency ${agency} has no green conformance report under contract ${contractVersion}: run \`lgsp conformance run --agency ${agency}\` against its system and record the report`
      if (!row) return missing
      let signed: unknown
      try {
        signed = JSON.parse(row.report)
      } catch {
        return `the conformance report recorded for agency ${agency} is unreadable: record a new one`
      }
      const verdict = await verifyReport(signed, keys)
      if (!verdict.ok) return `the conformance report recorded for agency ${agency} does not verify: record a new one`
      const report = signed as SignedReport
      if (report.agency !== agency)
        return `the latest conformance report recorded for agency ${agency} was made for ${report.agency ?? 'no agency'}: record one made with --agency ${agency}`
      if (report.contractVersion !== contractVersion || !verdict.current) return missing
      if (report.green !== true || report.summary.failed !== 0)
        return `the latest conformance report recorded for agency ${agency} is not green (${report.summary.failed} case(s) failed)`
      return null
    },
  }
}
