/**
 * The Grafana dashboard in the repository reads only what the gateway serves: every series its
 * queries name is a metric family of `/metrics` (the gateway's own and Node's standard process
 * metrics), and every label it groups or filters by is one that family has (or one Prometheus
 * adds: instance, job; `le` of a histogram's buckets).
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { expect, it } from 'vitest'
import { createPromMetrics } from '../gateway/metrics/prom.node.js'
import { repoRoot } from './gateway-process.js'

interface Panel {
  title: string
  targets: Array<{ expr: string }>
}
const dashboard = JSON.parse(readFileSync(join(repoRoot, 'docs', 'grafana', 'lgsp-gateway.json'), 'utf8')) as { uid: string; panels: Panel[] }
const SCRAPE_LABELS = new Set(['instance', 'job'])
const SERIES = /\b((?:lgsp|process|nodejs)_[a-z0-9_]+)/g

it('every series and label the dashboard queries is one the gateway serves', async () => {
  const metrics = createPromMetrics({
    auditStatus: () => ({ queued: 0, healthy: true, lastCommitMs: 1 }) as never,
    rateLimiter: () => ({ kind: 'memory', degraded: false }),
    registryCircuits: () => [{ name: 'population', state: 'closed' }] as never,
  })
  const families = new Map<string, { type: string; labels: string[] }>()
  for (const family of await metrics.registry.getMetricsAsJSON()) {
    const labels = new Set<string>()
    for (const value of family.values) for (const label of Object.keys(value.labels)) labels.add(label)
    const declared = (metrics.registry.getSingleMetric(family.name) as unknown as { labelNames?: string[] }).labelNames ?? []
    families.set(family.name, { type: String(family.type), labels: [...new Set([...labels, ...declared])] })
  }
  const problems: string[] = []
  expect(dashboard.panels.length).toBeGreaterThan(10)
  for (const panel of dashboard.panels) {
    for (const { expr } of panel.targets) {
      const names = [...expr.matchAll(SERIES)].map((m) => m[1]!)
      if (names.length === 0) problems.push(`${panel.title}: names no series`)
      for (const name of names) {
        const family = families.get(name) ?? (name.endsWith('_bucket') ? families.get(name.slice(0, -'_bucket'.length)) : undefined)
        if (!family) {
          problems.push(`${panel.title}: ${name} is not served`)
          continue
        }
        const used = [
          ...[...expr.matchAll(/\bby \(([^)]*)\)/g)].flatMap((m) => m[1]!.split(',').map((l) => l.trim())),
          ...[...expr.matchAll(/\{([^}]*)\}/g)].flatMap((m) => [...m[1]!.matchAll(/([a-z_]+)\s*(?:=|!=|=~|!~)/g)].map((l) => l[1]!)),
        ]
        for (const label of used) {
          if (SCRAPE_LABELS.has(label) || (label === 'le' && name.endsWith('_bucket'))) continue
          if (!family.labels.includes(label)) problems.push(`${panel.title}: ${name} has no label ${label}`)
        }
      }
    }
  }
  expect(problems).toEqual([])
})
