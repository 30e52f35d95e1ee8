import { defineStringScalar } from './define-scalar.js'

function validDay(year: number, month: number, day: number): boolean {
  return day >= 1 && day <= new Date(Date.UTC(year, month, 0)).getUTCDate()
}

/** `YYYY`, `YYYY-MM` or `YYYY-MM-DD`, each part checked (no 31 February, no month 13). */
export function normalisePartialDate(value: string): string | null {
  const match = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$/.exec(value)
  if (!match) return null
  const [, y, m, d] = match
  const year = Number(y)
  if (year < 1800 || year > 2399) return null
  if (m !== undefined && (Number(m) < 1 || Number(m) > 12)) return null
  if (d !== undefined && !validDay(year, Number(m), Number(d))) return null
  return value
}

/** A full calendar date `YYYY-MM-DD`. */
export function normaliseDate(value: string): string | null {
  return value.length === 10 ? normalisePartialDate(value) : null
}

/** An ISO 8601 instant with an explicit offset or Z. */
export function normaliseDateTime(value: string): string | null {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/.test(value)) return null
  if (normaliseDate(value.slice(0, 10)) === null || Number.isNaN(Date.parse(value))) return null
  return value
}

/** A non-negative or negative decimal number written as a string, no exponent. */
export function normaliseDecimal(value: string): string | null {
  return /^-?\d{1,30}(\.\d{1,10})?$/.test(value) ? value : null
}

export const PartialDateScalar = defineStringScalar({
  name: 'PartialDate',
  description: 'Ngày có thể chỉ biết một phần: YYYY, YYYY-MM hoặc YYYY-MM-DD / A date that may be known only in part: YYYY, YYYY-MM or YYYY-MM-DD',
  normalise: normalisePartialDate,
  expected: 'YYYY, YYYY-MM or YYYY-MM-DD',
})
export const DateScalar = defineStringScalar({
  name: 'Date',
  description: 'Ngày dương lịch, dạng YYYY-MM-DD / A calendar date, YYYY-MM-DD',
  normalise: normaliseDate,
  expected: 'YYYY-MM-DD',
})
export const DateTimeScalar = defineStringScalar({
  name: 'DateTime',
  description: 'Thời điểm theo ISO 8601, có độ lệch múi giờ / An instant, ISO 8601 with offset',
  normalise: normaliseDateTime,
  expected: 'an ISO 8601 date-time with an offset',
})
export const DecimalScalar = defineStringScalar({
  name: 'Decimal',
  description: 'Số thập phân chính xác viết dưới dạng chuỗi, ví dụ số tiền bằng VND / An exact decimal number written as a string, e.g. an amount in VND',
  normalise: normaliseDecimal,
  expected: 'a decimal number as a string',
})
