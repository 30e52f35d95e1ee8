/**
 * Checks that the peer (e) answers the bench mix as our gateway does, before anyone reads its
 * numbers: starts the sandboxes, the bench gateway target and the peer (each its own process, all
 * on 127.0.0.1), sends every entry of the mix once to both (ours with the entry's agency token
 * and headers, the peer with the rewritten query), compares with samePeerAnswer, prints
 * "N of M equal" and the first differences, stops every process and exits non-zero on any
 * difference.
 *
 *   node --import tsx load-tests/peer/check.ts
 */
import { ensurePeerInstalled, peerDifferences, startPeerServer } from '../bench/peer-target.js'
import { assertLoopback, startBenchServer, type BenchServer } from '../bench/processes.js'
import { buildMix, type MixSubjects } from '../bench/scenarios.js'

const SHOWN = 5

async function main(): Promise<number> {
  const stoppers: Array<() => Promise<void>> = []
  try {
    await ensurePeerInstalled()
    const sandboxes = await startBenchServer<{ upstreams: Record<string, string>; subjects: MixSubjects }>('sandboxes', {})
    stoppers.push(sandboxes.stop)
    for (const url of Object.values(sandboxes.info.upstreams)) assertLoopback(url)
    const env = { BENCH_UPSTREAMS: JSON.stringify(sandboxes.info.upstreams) }
    const started = await Promise.allSettled([startBenchServer<{ url: string; tokens: Record<string, string> }>('gateway', env), startPeerServer(env)])
    for (const result of started) if (result.status === 'fulfilled') stoppers.push(result.value.stop)
    const failed = started.find((result) => result.status === 'rejected')
    if (failed) throw (failed as PromiseRejectedResult).reason
    const [ours, peer] = started.map((result) => (result as PromiseFulfilledResult<BenchServer<{ url: string; tokens?: Record<string, string> }>>).value) as [
      BenchServer<{ url: string; tokens: Record<string, string> }>,
      BenchServer<{ url: string }>,
    ]

    const mix = buildMix(sandboxes.info.subjects)
    const differences = await peerDifferences(ours.info, peer.info.url, mix)
    process.stdout.write(`peer check: ${mix.length - differences.length} of ${mix.length} entries of the mix equal\n`)
    for (const line of differences.slice(0, SHOWN)) process.stdout.write(`  ${line}\n`)
    if (differences.length > SHOWN) process.stdout.write(`  … and ${differences.length - SHOWN} more\n`)
    return differences.length === 0 ? 0 : 1
  } finally {
    for (const stop of stoppers.reverse()) await stop().catch(() => undefined)
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`peer check failed: ${error instanceof Error ? error.stack : String(error)}\n`)
    process.exit(1)
  },
)
