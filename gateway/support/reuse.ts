/**
 * `build` run on the first call and its promise handed to every call after, until it rejects: a
 * failed build is tried again on the next call, not kept. For what is costly to make and the same
 * every time (a page holding a large bundle, read when first asked for).
 */
export function reuseUntilRejected<T>(build: () => Promise<T>): () => Promise<T> {
  let built: Promise<T> | undefined
  return () => {
    const current = (built ??= build())
    current.catch(() => {
      if (built === current) built = undefined
    })
    return current
  }
}
