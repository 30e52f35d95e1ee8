export { AdminCodeScalar, normaliseAdminCode } from './admin-code.js'
export {
  DateScalar,
  DateTimeScalar,
  DecimalScalar,
  PartialDateScalar,
  normaliseDate,
  normaliseDateTime,
  normaliseDecimal,
  normalisePartialDate,
} from './dates.js'
export { PINScalar, decodePin, normalisePin } from './pin.js'
export { TaxCodeScalar, normaliseTaxCode, taxCodeCheckDigit } from './tax-code.js'

import { AdminCodeScalar } from './admin-code.js'
import { DateScalar, DateTimeScalar, DecimalScalar, PartialDateScalar } from './dates.js'
import { PINScalar } from './pin.js'
import { TaxCodeScalar } from './tax-code.js'

/** Resolver map for every custom scalar of the canonical schema. */
export const scalarResolvers = {
  PIN: PINScalar,
  TaxCode: TaxCodeScalar,
  AdminCode: AdminCodeScalar,
  PartialDate: PartialDateScalar,
  Date: DateScalar,
  DateTime: DateTimeScalar,
  Decimal: DecimalScalar,
}
