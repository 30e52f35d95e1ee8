import { GraphQLError } from 'graphql'

/** Largest page a caller may ask for; registries page at 100 at most. */
export const MAX_PAGE_SIZE = 100

/** Opaque cursors: base64url of the offset, so callers cannot build them from record keys. */
export const encodeCursor = (offset: number): string =>
  btoa(`o:${offset}`).replace(/=+$/, '').replaceAll('+', '-').replaceAll('/', '_')

function decodeBase64Url(value: string): string {
  try {
    return atob(value.replaceAll('-', '+').replaceAll('_', '/'))
  } catch {
    return ''
  }
}

export function decodeCursor(cursor: string | null | undefined): number {
  if (cursor === null || cursor === undefined) return 0
  const match = /^o:(\d{1,9})$/.exec(decodeBase64Url(cursor))
  if (!match) throw userInputError('The cursor is not valid: pass an endCursor from a previous page')
  return Number(match[1])
}

export function pageSize(first: number | null | undefined, fallback = 20): number {
  const size = first ?? fallback
  if (!Number.isInteger(size) || size < 1 || size > MAX_PAGE_SIZE) {
    throw userInputError(`first must be between 1 and ${MAX_PAGE_SIZE}`)
  }
  return size
}

export function userInputError(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT', http: { status: 200 } } })
}
