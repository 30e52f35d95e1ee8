import { defineStringScalar } from './define-scalar.js'

/** A GSO/NSO unit code: 2 digits (province) or 5 digits (commune); "00" and "00000" do not exist. */
export function normaliseAdminCode(value: string): string | null {
  if (!/^(\d{2}|\d{5})$/.test(value) || /^0+$/.test(value)) return null
  return value
}

export const AdminCodeScalar = defineStringScalar({
  name: 'AdminCode',
  description:
    'Mã đơn vị hành chính theo danh mục của cơ quan thống kê (GSO/NSO): 2 chữ số cho cấp tỉnh, 5 chữ số cho cấp xã / Administrative unit code (GSO/NSO): 2 digits for a province, 5 for a commune',
  normalise: normaliseAdminCode,
  expected: '2 digits (province) or 5 digits (commune)',
})
