import { defineStringScalar } from './define-scalar.js'

const WEIGHTS = [31, 29, 23, 19, 17, 13, 7, 5, 3]

/**
 * Check digit of a Vietnamese enterprise/tax code from its first nine digits:
 * 10 − (Σ weight·digit mod 11). `null` when that is 10: such a prefix is never issued.
 */
export function taxCodeCheckDigit(firstNine: string): number | null {
  if (!/^\d{9}$/.test(firstNine)) return null
  const sum = WEIGHTS.reduce((acc, weight, i) => acc + weight * Number(firstNine[i]), 0)
  const check = 10 - (sum % 11)
  return check === 10 ? null : check
}

/**
 * Normalises a tax code: 10 digits with a valid check digit, or a branch code of 13 digits
 * (`NNNNNNNNNN-NNN` or without the hyphen, suffix 001–999) whose first ten are a valid code.
 * Branch codes come out as `NNNNNNNNNN-NNN`.
 */
export function normaliseTaxCode(value: string): string | null {
  const { nine, check, branch } = /^(?<nine>\d{9})(?<check>\d)(?:-?(?<branch>\d{3}))?$/.exec(value)?.groups ?? {}
  if (nine === undefined || check === undefined) return null
  if (taxCodeCheckDigit(nine) !== Number(check)) return null
  if (branch === undefined) return `${nine}${check}`
  if (branch === '000') return null
  return `${nine}${check}-${branch}`
}

export const TaxCodeScalar = defineStringScalar({
  name: 'TaxCode',
  description:
    'Mã số doanh nghiệp, cũng là mã số thuế: 10 chữ số có chữ số kiểm tra, hoặc 13 chữ số (viết NNNNNNNNNN-NNN) cho chi nhánh / Enterprise code = tax code: 10 digits with check digit, or 13 (written NNNNNNNNNN-NNN) for a branch',
  normalise: normaliseTaxCode,
  expected: '10 digits with a valid check digit, or 13 digits (NNNNNNNNNN-NNN) for a branch',
})
