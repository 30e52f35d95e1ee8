import { defineStringScalar } from './define-scalar.js'

/**
 * Số định danh cá nhân: 12 digits, no check digit. Digits 1–3 are the 63-era
 * birth-registration province (or a country code), digit 4 encodes century and sex, 5–6 the year.
 * Only the century digit can be checked: every other combination is issued somewhere.
 */
export function normalisePin(value: string): string | null {
  return /^\d{12}$/.test(value) ? value : null
}

/** Sex and birth year encoded in a PIN, for consistency checks against a record. */
export function decodePin(pin: string): { sex: 'MALE' | 'FEMALE'; birthYear: number } {
  const g = Number(pin[3])
  const yy = Number(pin.slice(4, 6))
  return { sex: g % 2 === 0 ? 'MALE' : 'FEMALE', birthYear: 1900 + Math.floor(g / 2) * 100 + yy }
}

export const PINScalar = defineStringScalar({
  name: 'PIN',
  description: 'Số định danh cá nhân (12 chữ số, không có chữ số kiểm tra) / Personal identification number (12 digits, no check digit)',
  normalise: normalisePin,
  expected: '12 digits',
})
