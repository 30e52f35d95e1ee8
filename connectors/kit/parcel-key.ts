/**
 * The parcel key "MX.SB.ST": the commune the map sheet was numbered in (5 digits, possibly a
 * pre-2025 commune), the map sheet number and the parcel number on that sheet.
 */
export interface ParcelKeyParts {
  communeCode: string
  mapSheetNo: number
  parcelNo: number
}

const PARCEL_KEY = /^(?<communeCode>\d{5})\.(?<sheet>\d{1,4})\.(?<parcel>\d{1,5})$/

/** Splits a key, or `null` when it is not `MX.SB.ST` with positive sheet and parcel numbers. */
export function parseParcelKey(key: string): ParcelKeyParts | null {
  const { communeCode, sheet, parcel } = PARCEL_KEY.exec(key.trim())?.groups ?? {}
  if (communeCode === undefined || sheet === undefined || parcel === undefined) return null
  const mapSheetNo = Number(sheet)
  const parcelNo = Number(parcel)
  if (/^0+$/.test(communeCode) || mapSheetNo < 1 || parcelNo < 1) return null
  return { communeCode, mapSheetNo, parcelNo }
}

/** The canonical spelling: no leading zeros in sheet or parcel ("00097.012.0345" → "00097.12.345"). */
export function formatParcelKey(parts: ParcelKeyParts): string {
  return `${parts.communeCode}.${parts.mapSheetNo}.${parts.parcelNo}`
}

/** Parses and re-spells a key; `null` when it is malformed. */
export function normaliseParcelKey(key: string): string | null {
  const parts = parseParcelKey(key)
  return parts === null ? null : formatParcelKey(parts)
}
