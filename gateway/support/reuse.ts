/**
 * `build`'s value, kept once a build has succeeded and handed to every call after. Until then
 * each call builds (a failed build is not kept): a call never waits on a build another call
 * started, because workerd cancels a request that waits on a promise another request settles.
 * For what is costly to make and the same every time (a page holding a large bundle, read when
 * first asked for); at worst, calls that arrive together before the first build ends each build.
 */
export function reuseOnceBuilt<T>(build: () => Promise<T>): () => Promise<T> {
  let built: { value: T } | undefined
  return async () => {
    if (built) return built.value
    const value = await build()
    built ??= { value }
    return built.value
  }
}
