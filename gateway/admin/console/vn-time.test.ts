import { describe, expect, it } from 'vitest'
import { formatVnDate, formatVnDateTime, formatVnHour, isoVn, parseVnTime, vnDay, vnDayStart } from './vn-time.js'

/** Vietnam's wall clock by the platform's time-zone data: the check the console's arithmetic is held to. */
const intl = (ms: number) =>
  new Intl.DateTimeFormat('en-GB', {
    timeZone: 'Asia/Ho_Chi_Minh',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  })
    .format(ms)
    .replace(', ', ' ')

describe('Vietnam time', () => {
  it('starts the day at 00:00 UTC+7: 17:00 UTC the day before', () => {
    expect(new Date(vnDayStart(Date.parse('2026-12-04T16:59:59.999Z'))).toISOString()).toBe('2026-12-03T17:00:00.000Z')
    expect(new Date(vnDayStart(Date.parse('2026-12-04T17:00:00.000Z'))).toISOString()).toBe('2026-12-04T17:00:00.000Z')
    expect(vnDay(Date.parse('2026-12-04T17:00:00Z')) - vnDay(Date.parse('2026-12-04T16:59:59Z'))).toBe(1)
  })

  it('formats as the platform does for Asia/Ho_Chi_Minh, over a year of instants', () => {
    for (let ms = Date.parse('2026-01-01T00:00:00Z'); ms < Date.parse('2027-01-01T00:00:00Z'); ms += 133_337_777) {
      expect(formatVnDateTime(ms)).toBe(intl(ms))
      expect(new Date(vnDayStart(ms)).getTime()).toBe(Date.parse(`${isoVn(ms).slice(0, 10)}T00:00:00+07:00`))
    }
    expect(formatVnDate('2026-12-31T17:30:00Z')).toBe('01/01/2027')
    expect(formatVnHour('2026-12-31T17:30:00Z')).toBe('00:30')
    expect(isoVn('2026-12-31T17:30:05Z')).toBe('2027-01-01T00:30:05+07:00')
  })

  it.each([
    ['04/12/2026', '2026-12-03T17:00:00.000Z'],
    ['4/12/2026', '2026-12-03T17:00:00.000Z'],
    ['2026-12-04', '2026-12-03T17:00:00.000Z'],
    ['04/12/2026 08:30', '2026-12-04T01:30:00.000Z'],
    ['2026-12-04 08:30:15', '2026-12-04T01:30:15.000Z'],
    ['2026-12-04T08:30', '2026-12-04T01:30:00.000Z'],
    ['2026-12-04T08:30:00Z', '2026-12-04T08:30:00.000Z'],
    ['2026-12-04T08:30:00.123+01:00', '2026-12-04T07:30:00.123Z'],
    [' 04/12/2026 ', '2026-12-03T17:00:00.000Z'],
  ])('reads %s as an instant in Vietnam time', (text, iso) => {
    expect(new Date(parseVnTime(text)!).toISOString()).toBe(iso)
  })

  it('reads a date alone as the end of that day when it ends a range', () => {
    expect(new Date(parseVnTime('04/12/2026', { end: true })!).toISOString()).toBe('2026-12-04T17:00:00.000Z')
    expect(new Date(parseVnTime('04/12/2026 08:30', { end: true })!).toISOString()).toBe('2026-12-04T01:30:00.000Z')
  })

  it.each([
    '',
    'hôm qua',
    '31/02/2026',
    '2026-02-30',
    '2026-13-01',
    '32/01/2026',
    '04/12/2026 24:00',
    '04/12/2026 08:60',
    '2026-02-31T00:00:00Z',
    '0000-01-01',
    '0001-01-01T00:30:00+01:00',
    '10000-01-01',
    '2026-12-04; select 1',
    "2026-01-01' or 1=1--",
  ])('refuses %j', (text) => {
    expect(parseVnTime(text)).toBeNull()
  })
})
