/**
 * The console's clock: Vietnam time (UTC+7, no daylight saving). "Today" is the day the daily
 * quotas count in, with the same constants, so a page's "today" and a quota's day end together.
 */
import { DAY_MS, DAY_OFFSET_MS } from '../../ratelimit/index.js'

export const HOUR_MS = 3_600_000
/** How every page names the zone its times are in. */
export const VN_OFFSET = '+07:00'

/** The Vietnamese calendar day `ms` falls in, numbered as the daily quota numbers it. */
export const vnDay = (ms: number): number => Math.floor((ms + DAY_OFFSET_MS) / DAY_MS)

/** 00:00 Vietnam time of the day `ms` falls in. */
export const vnDayStart = (ms: number): number => vnDay(ms) * DAY_MS - DAY_OFFSET_MS

const two = (n: number) => String(n).padStart(2, '0')

/** The Vietnamese wall clock at `ms`: the UTC fields of the instant moved by the offset. */
function wall(ms: number) {
  const d = new Date(ms + DAY_OFFSET_MS)
  return { y: d.getUTCFullYear(), mo: d.getUTCMonth() + 1, d: d.getUTCDate(), h: d.getUTCHours(), mi: d.getUTCMinutes(), s: d.getUTCSeconds() }
}

const toMs = (value: Date | string | number) => (value instanceof Date ? value.getTime() : typeof value === 'number' ? value : Date.parse(value))

/** `04/12/2026` (day first, as Vietnamese documents write dates). */
export function formatVnDate(value: Date | string | number): string {
  const w = wall(toMs(value))
  return `${two(w.d)}/${two(w.mo)}/${String(w.y).padStart(4, '0')}`
}

/** `04/12/2026 21:49:25`, or without seconds. */
export function formatVnDateTime(value: Date | string | number, options: { seconds?: boolean } = {}): string {
  const w = wall(toMs(value))
  return `${formatVnDate(value)} ${two(w.h)}:${two(w.mi)}${options.seconds === false ? '' : `:${two(w.s)}`}`
}

/** `21:00`: an hour on a time axis. */
export function formatVnHour(value: Date | string | number): string {
  const w = wall(toMs(value))
  return `${two(w.h)}:${two(w.mi)}`
}

/** `2026-12-04T00:00:00+07:00`: an instant written in Vietnam time, for addresses an officer reads. */
export function isoVn(value: Date | string | number): string {
  const w = wall(toMs(value))
  return `${String(w.y).padStart(4, '0')}-${two(w.mo)}-${two(w.d)}T${two(w.h)}:${two(w.mi)}:${two(w.s)}${VN_OFFSET}`
}

const DAY_FIRST = /^(\d{1,2})\/(\d{1,2})\/(\d{4})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$/
const YEAR_FIRST = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2}))?)?$/
const WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,3})?)?(?:Z|[+-]\d{2}:\d{2})$/

/**
 * A date or time as an officer types it: `2026-12-04`, `04/12/2026`, either with `HH:mm[:ss]`,
 * in Vietnam time; or an ISO 8601 instant with its own offset (what the console's links carry).
 * A date alone is its 00:00, or with `end`, the next day's 00:00 (a range "to 04/12" includes the
 * 4th). Null for anything else, an impossible date (31/02) included, and outside the years 1–9999
 * (what the trail's database can store).
 */
export function parseVnTime(text: string, options: { end?: boolean } = {}): number | null {
  const value = text.trim()
  let ms: number
  if (WITH_OFFSET.test(value)) {
    ms = Date.parse(value)
    // Date.parse rolls 2026-02-31 over into March: the fields must come back as written.
    const [date] = value.split('T')
    const [y, mo, d] = date!.split('-').map(Number) as [number, number, number]
    if (!validDate(y, mo, d)) return null
  } else {
    const dayFirst = DAY_FIRST.exec(value)
    const yearFirst = dayFirst ? null : YEAR_FIRST.exec(value)
    const m = dayFirst ?? yearFirst
    if (!m) return null
    const [y, mo, d] = (dayFirst ? [m[3], m[2], m[1]] : [m[1], m[2], m[3]]).map(Number) as [number, number, number]
    const [h, mi, s] = [m[4], m[5], m[6]].map((part) => (part === undefined ? 0 : Number(part))) as [number, number, number]
    if (!validDate(y, mo, d) || h > 23 || mi > 59 || s > 59) return null
    const dateOnly = m[4] === undefined
    ms = utcOf(y, mo, d, h, mi, s) - DAY_OFFSET_MS + (dateOnly && options.end ? DAY_MS : 0)
  }
  if (Number.isNaN(ms)) return null
  const year = new Date(ms).getUTCFullYear()
  return year >= 1 && year <= 9999 ? ms : null
}

/** Date.UTC, without its mapping of years 0–99 to 1900–1999. */
function utcOf(y: number, mo: number, d: number, h: number, mi: number, s: number): number {
  const date = new Date(0)
  date.setUTCFullYear(y, mo - 1, d)
  date.setUTCHours(h, mi, s, 0)
  return date.getTime()
}

function validDate(y: number, mo: number, d: number): boolean {
  if (y < 1 || mo < 1 || mo > 12 || d < 1) return false
  const date = new Date(utcOf(y, mo, d, 0, 0, 0))
  return date.getUTCMonth() === mo - 1 && date.getUTCDate() === d
}

/**
 * The same day number computed by the database from a timestamp column, for grouping events by
 * Vietnamese day; the constants are the quota's, written into the statement (they are not input).
 */
export const vnDaySql = (column: string): string => `floor((extract(epoch from ${column}) * 1000 + ${DAY_OFFSET_MS}) / ${DAY_MS})::int`

export { DAY_MS }
