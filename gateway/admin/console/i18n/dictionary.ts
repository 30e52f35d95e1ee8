import type { vi } from './vi.js'

type Widen<T> = T extends string ? string : { [K in keyof T]: Widen<T[K]> }
/** The shape every language provides: Vietnamese's keys, any text. */
export type Dictionary = Widen<typeof vi>
