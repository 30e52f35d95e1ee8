import { GraphQLError, type GraphQLResolveInfo } from 'graphql'
import type { Page } from './canonical.js'

/** Largest page a caller may ask for; registries page at 100 at most. */
export const MAX_PAGE_SIZE = 100

/**
 * Most reads one page may make of a list the caller sees only part of. Each read is one registry
 * call of at most MAX_PAGE_SIZE records (after a first read of `first + 1`), so a page scans at
 * most 1 + 9 × 100 records: a caller can make the gateway look through a bounded stretch of
 * records it may not see, never an unbounded list.
 */
export const MAX_SCAN_READS = 10

/**
 * One read of a list, in the registry's order: the records at positions `offset`, `offset + 1`,
 * …; null where the registry listed a record it could not then return (removed in between).
 */
export interface ListWindow<T> {
  items: ReadonlyArray<T | null>
  /** How many records the registry says the whole list holds, hidden ones included. */
  totalCount: number
}

/** A list the registry answers in windows, by offset. */
export interface PageSource<T> {
  read(offset: number, limit: number): Promise<ListWindow<T>>
  /**
   * Most records one read may return: MAX_PAGE_SIZE for a registry call, the list's length for
   * a list already in memory (one read then covers it). @default MAX_PAGE_SIZE
   */
  maxWindow?: number
}

/** The page a caller asked for: `first` already checked by `pageSize`, `after` as sent. */
export interface PageArgs {
  first: number
  after?: string | null | undefined
}

/**
 * Cuts pages out of a connector's lists. The gateway provides it per request: it opens and seals
 * the cursors (bound to the caller and to the field's arguments, hence `info`) and knows which
 * records the caller may see. Connectors never see a cursor's content, only positions.
 */
export interface Pager {
  page<T>(source: PageSource<T>, args: PageArgs, info: GraphQLResolveInfo): Promise<Page<T>>
}

/** A page cut from a list, before its cursor is sealed. */
export interface PageCut<T> {
  nodes: T[]
  /** The position the next page starts at: just after the last record on this page. */
  next: number
  hasNextPage: boolean
  /** The registry's count of the whole list; null when the caller sees only part of it. */
  totalCount: number | null
}

export interface CutOptions<T> {
  first: number
  /** The position to start at (0, or one a previous page's cursor held). */
  start: number
  /**
   * The records the caller may see; absent when it sees all of them. With it, a page holds the
   * first `first` visible records from `start`, and whether another follows: its size, its
   * order, where it ends and `hasNextPage` depend on visible records only.
   */
  visible?: (node: T) => boolean
  /** @default MAX_SCAN_READS */
  maxReads?: number
}

/**
 * Cuts one page out of `source`.
 *
 * Without `visible`: one read of `first` records, as the registry pages (`hasNextPage` from its
 * count).
 *
 * With `visible`: the filter is applied before the page is cut. Reads go on from `start` until
 * `first` visible records and one more (or the list's end) are found; the page ends just after
 * its last visible record, so hidden records between pages are skipped by the next page, not
 * counted by this one. When `maxReads` runs out first, the request fails with
 * QUERY_TOO_COMPLEX rather than answer a short page (whose size would depend on hidden records).
 */
export async function cutPage<T>(source: PageSource<T>, options: CutOptions<T>): Promise<PageCut<T>> {
  const { first, start, visible } = options
  const maxWindow = Math.max(1, Math.min(source.maxWindow ?? MAX_PAGE_SIZE, Number.MAX_SAFE_INTEGER))
  if (!visible) {
    const window = await source.read(start, Math.min(first, maxWindow))
    const next = start + window.items.length
    return {
      nodes: window.items.filter((item): item is T => item !== null),
      next,
      hasNextPage: window.items.length > 0 && next < window.totalCount,
      totalCount: window.totalCount,
    }
  }
  const maxReads = options.maxReads ?? MAX_SCAN_READS
  const nodes: T[] = []
  let next = start
  let offset = start
  for (let reads = 0; reads < maxReads; reads++) {
    // The first read covers the page and the one record that tells whether another follows.
    const limit = reads === 0 ? Math.min(first + 1, maxWindow) : maxWindow
    const window = await source.read(offset, limit)
    for (let i = 0; i < window.items.length; i++) {
      const item = window.items[i]
      if (item === null || item === undefined || !visible(item)) continue
      if (nodes.length === first) return { nodes, next, hasNextPage: true, totalCount: null }
      nodes.push(item)
      next = offset + i + 1
    }
    offset += window.items.length
    if (window.items.length === 0 || offset >= window.totalCount) return { nodes, next, hasNextPage: false, totalCount: null }
  }
  throw new GraphQLError(`This page would need more than ${maxReads} registry reads: narrow the list (a holder, a commune or a filter)`, {
    extensions: { code: 'QUERY_TOO_COMPLEX', http: { status: 200 } },
  })
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

/**
 * A pager with no policy: pages cut by `cutPage`, the cursor the plain position `p<N>`. What a
 * project that takes the connectors into its own GraphQL server adds (the gateway's pager seals
 * its cursors and applies row filters); the connectors' tests and the bench's bare targets use it.
 */
export const positionPager: Pager = {
  async page(source, args) {
    let start = 0
    if (args.after !== null && args.after !== undefined) {
      const match = /^p(\d{1,9})$/.exec(args.after)
      if (!match) throw new GraphQLError('after: not a cursor of this list', { extensions: { code: 'BAD_USER_INPUT' } })
      start = Number(match[1])
    }
    const cut = await cutPage(source, { first: args.first, start })
    return {
      nodes: cut.nodes,
      totalCount: cut.totalCount ?? 0,
      pageInfo: { hasNextPage: cut.hasNextPage, endCursor: cut.next > start ? `p${cut.next}` : null },
    }
  },
}
