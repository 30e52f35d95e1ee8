import { GraphQLError } from 'graphql'
import { base64url } from 'jose'

/** Label under which the gateway keys give the cursor keys (another label, other keys). */
export const CURSOR_KEY_LABEL = 'lgsp paging cursor v1'

/** What a cursor is good for: one list, read by one agency for one purpose under one policy version. */
export interface CursorBinding {
  agency: string
  purpose: string | null
  policyVersion: number
  /** The paged field's coordinate, e.g. `Query.landParcels`. */
  field: string
  /**
   * The field's arguments that choose the list (holder, commune, filter …): all but `first`
   * (the page size may change from page to page) and `after`.
   */
  args: Record<string, unknown>
}

export interface CursorCodec {
  seal(position: number, binding: CursorBinding): Promise<string>
  /** The position a cursor holds; BAD_USER_INPUT for anything this gateway did not seal for `binding`. */
  open(cursor: string, binding: CursorBinding): Promise<number>
}

/** The keys to seal with, newest first: the first seals, any of them opens. */
export type CursorKeys = () => Promise<readonly CryptoKey[]>

const FORMAT = 1
const IV_BYTES = 12
const POSITION_BYTES = 4
const TAG_BYTES = 16
const CURSOR_BYTES = 1 + IV_BYTES + POSITION_BYTES + TAG_BYTES
/** 33 bytes are 44 base64url characters, without padding: every cursor has this length. */
const CURSOR_PATTERN = new RegExp(`^[A-Za-z0-9_-]{${(CURSOR_BYTES * 4) / 3}}$`)
const encoder = new TextEncoder()

/** JSON with object keys sorted and null or absent members dropped, so equal arguments bind equally. */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical)
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {}
    for (const key of Object.keys(value).sort()) {
      const member = (value as Record<string, unknown>)[key]
      if (member !== null && member !== undefined) out[key] = canonical(member)
    }
    return out
  }
  return value
}

function associatedData(binding: CursorBinding): Uint8Array<ArrayBuffer> {
  const { first: _first, after: _after, ...args } = binding.args
  return encoder.encode(JSON.stringify(['lgsp-cursor', FORMAT, binding.agency, binding.purpose ?? null, binding.policyVersion, binding.field, canonical(args)]))
}

const invalid = () =>
  // One answer for forged, altered, foreign and expired cursors: none tells more than the others.
  new GraphQLError('The cursor is not valid for this query: pass the endCursor of its previous page, or start again without one', {
    extensions: { code: 'BAD_USER_INPUT', http: { status: 200 } },
  })

/**
 * Opaque, authenticated paging cursors: AES-256-GCM over the position, with the binding (agency,
 * purpose, policy version, field and its list-choosing arguments) as associated data. A caller
 * cannot read a position (it would tell how many records it may not see were skipped), write
 * one, or use a cursor for another list, agency, purpose or policy version.
 *
 * Format (33 bytes, base64url, 44 characters): format byte 1 ‖ random 96-bit IV ‖ ciphertext of
 * the position (uint32, big-endian) ‖ 128-bit tag. The format byte is authenticated too.
 *
 * @example
 * const codec = createCursorCodec(() => gatewayKeys.sealingKeys(CURSOR_KEY_LABEL))
 * const cursor = await codec.seal(40, binding)
 * await codec.open(cursor, binding) // 40
 */
export function createCursorCodec(keys: CursorKeys): CursorCodec {
  return {
    async seal(position, binding) {
      if (!Number.isInteger(position) || position < 0 || position > 0xffff_ffff) throw new RangeError('cursor position out of range')
      const [key] = await keys()
      if (!key) throw new Error('No key to seal paging cursors with')
      const plain = new Uint8Array(POSITION_BYTES)
      new DataView(plain.buffer).setUint32(0, position)
      const iv = crypto.getRandomValues(new Uint8Array(IV_BYTES))
      const sealed = new Uint8Array(
        await crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData: associatedData(binding), tagLength: TAG_BYTES * 8 }, key, plain),
      )
      const out = new Uint8Array(CURSOR_BYTES)
      out[0] = FORMAT
      out.set(iv, 1)
      out.set(sealed, 1 + IV_BYTES)
      return base64url.encode(out)
    },

    async open(cursor, binding) {
      if (typeof cursor !== 'string' || !CURSOR_PATTERN.test(cursor)) throw invalid()
      // 44 characters are 33 bytes exactly (no spare bits): one spelling per cursor.
      const bytes = base64url.decode(cursor)
      if (bytes.length !== CURSOR_BYTES || bytes[0] !== FORMAT) throw invalid()
      const iv = bytes.slice(1, 1 + IV_BYTES)
      const sealed = bytes.slice(1 + IV_BYTES)
      const additionalData = associatedData(binding)
      for (const key of await keys()) {
        let plain: ArrayBuffer
        try {
          plain = await crypto.subtle.decrypt({ name: 'AES-GCM', iv, additionalData, tagLength: TAG_BYTES * 8 }, key, sealed)
        } catch {
          continue
        }
        if (plain.byteLength === POSITION_BYTES) return new DataView(plain).getUint32(0)
      }
      throw invalid()
    },
  }
}
