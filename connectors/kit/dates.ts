/**
 * Date normalisation for registry payloads. Registries write dates as `yyyyMMdd` (population),
 * `dd/MM/yyyy` (land, business) and, for people whose exact birth date is unknown, as a year or a
 * month and year. Canonical forms: `YYYY-MM-DD` for dates, and for partial dates `YYYY`,
 * `YYYY-MM` or `YYYY-MM-DD`. Every parser rejects impossible dates (31/02) by throwing, which
 * `mapUpstream` turns into `UPSTREAM_BAD_RESPONSE`.
 */

const pad = (n: number, width = 2) => String(n).padStart(width, '0')

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate()
}

/** Builds a canonical partial date from parts, checking each one. Messages name the part, never its value: a date may be a birth date. */
export function partialDate(year: number, month?: number, day?: number): string {
  if (!Number.isInteger(year) || year < 1800 || year > 2399) throw new RangeError('bad year')
  if (month === undefined) return pad(year, 4)
  if (!Number.isInteger(month) || month < 1 || month > 12) throw new RangeError('bad month')
  if (day === undefined) return `${pad(year, 4)}-${pad(month)}`
  if (!Number.isInteger(day) || day < 1 || day > daysInMonth(year, month)) {
    throw new RangeError('bad day')
  }
  return `${pad(year, 4)}-${pad(month)}-${pad(day)}`
}

/** `yyyyMMdd`, `yyyyMM` or `yyyy` (population registry) → canonical partial date. */
export function fromCompactDate(value: string): string {
  const match = /^(\d{4})(\d{2})?(\d{2})?$/.exec(value.trim())
  if (!match) throw new RangeError('not a yyyyMMdd date')
  const [, y, m, d] = match
  return partialDate(Number(y), m === undefined ? undefined : Number(m), d === undefined ? undefined : Number(d))
}

/** `dd/MM/yyyy`, `MM/yyyy` or `yyyy` (land, business) → canonical partial date. */
export function fromDmyDate(value: string): string {
  const match = /^(?:(?:(\d{1,2})\/)?(\d{1,2})\/)?(\d{4})$/.exec(value.trim())
  if (!match) throw new RangeError('not a dd/MM/yyyy date')
  const [, d, m, y] = match
  return partialDate(Number(y), m === undefined ? undefined : Number(m), d === undefined ? undefined : Number(d))
}

/** Like `fromDmyDate` but the day, month and year are all required. */
export function fromDmyFullDate(value: string): string {
  const date = fromDmyDate(value)
  if (date.length !== 10) throw new RangeError('incomplete dd/MM/yyyy date')
  return date
}

/** Canonical partial date → its parts (the inverse of `partialDate`). */
export function partsOf(date: string): { year: number; month?: number; day?: number } {
  const [y, m, d] = date.split('-').map(Number)
  return { year: y as number, ...(m === undefined ? {} : { month: m }), ...(d === undefined ? {} : { day: d }) }
}

/** Canonical date → `dd/MM/yyyy` (or `MM/yyyy`, `yyyy` for partial dates), for sandboxes. */
export function toDmyDate(date: string): string {
  const { year, month, day } = partsOf(date)
  if (month === undefined) return pad(year, 4)
  if (day === undefined) return `${pad(month)}/${pad(year, 4)}`
  return `${pad(day)}/${pad(month)}/${pad(year, 4)}`
}

/** Canonical date → `yyyyMMdd` (or `yyyyMM`, `yyyy`), for sandboxes. */
export function toCompactDate(date: string): string {
  return date.replaceAll('-', '')
}
