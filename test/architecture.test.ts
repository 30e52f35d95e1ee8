/**
 * Enforces the import rules (docs/architecture.md, "Import rules") by reading every source file:
 * the core is runtime-neutral, connectors meet only through the kit, policies stand alone.
 */
import { execFileSync } from 'node:child_process'
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { builtinModules } from 'node:module'
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')

function sourceFiles(dir: string): string[] {
  const absolute = join(root, dir)
  let entries: string[]
  try {
    entries = readdirSync(absolute)
  } catch {
    return []
  }
  return entries.flatMap((entry) => {
    const path = join(absolute, entry)
    if (statSync(path).isDirectory()) return sourceFiles(relative(root, path))
    return /\.(tsx?|mjs)$/.test(entry) && !/\.test\.tsx?$/.test(entry) ? [relative(root, path)] : []
  })
}

interface Import {
  file: string
  specifier: string
  /** Repo-relative target for relative imports, else null (a package or node: builtin). */
  target: string | null
  /** Evaluated when the module loads: not `import type`, not `import()`. */
  eager: boolean
}

function importsOf(file: string): Import[] {
  const text = readFileSync(join(root, file), 'utf8')
  const found = [
    ...[...text.matchAll(/(?:^|\n)\s*(?:import|export)\b[^'"`]*?from\s*['"]([^'"]+)['"]/g)].map((match) => ({
      specifier: match[1] as string,
      eager: !/^\s*(?:import|export)\s+type\b/.test(match[0]),
    })),
    ...[...text.matchAll(/(?:^|\n)\s*import\s*['"]([^'"]+)['"]/g)].map((match) => ({ specifier: match[1] as string, eager: true })),
    ...[...text.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g)].map((match) => ({ specifier: match[1] as string, eager: false })),
  ]
  return found.map(({ specifier, eager }) => ({
    file,
    specifier,
    target: specifier.startsWith('.') ? relative(root, resolve(root, dirname(file), specifier)) : null,
    eager,
  }))
}

const all = ['gateway', 'connectors', 'schemas', 'policies'].flatMap(sourceFiles)
/** A file's code without its comments: a rule about code must not trip on a comment that names what it forbids. */
const codeOf = (file: string) =>
  readFileSync(join(root, file), 'utf8')
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/(^|[^:'"`])\/\/.*$/gm, '$1')
const imports = all.flatMap(importsOf)
const connectorOf = (path: string) => /^connectors\/([^/]+)\//.exec(path)?.[1] ?? null
// The OTLP exporter sends over node:http: the entry wires it, the core sees only @opentelemetry/api.
const nodeOnlyPackages = [
  'undici',
  'ioredis',
  'pg',
  'pg-protocol',
  '@electric-sql/pglite',
  '@hono/node-server',
  'pino',
  'prom-client',
  '@opentelemetry/exporter-trace-otlp-http',
]
const isNodeOnly = (specifier: string) =>
  specifier.startsWith('node:') || builtinModules.includes(specifier.split('/')[0] as string) || nodeOnlyPackages.includes(specifier)
/**
 * An adapter that holds a Node resource (a socket, a file, a thread) is named `*.node.ts` (or `*.node.mjs`, plain JavaScript a thread loads) and lives
 * beside its port; only the entries, the CLI and other Node adapters import it. A Workers adapter
 * is named `*.workers.ts` the same way: it may use the packages the Workers runtime runs over its
 * own sockets (`nodejs_compat`), and nothing else Node-only.
 */
const isNodeAdapter = (file: string) => /\.node\.(ts|mjs)$/.test(file)
const isWorkersAdapter = (file: string) => /\.workers\.ts$/.test(file)
const workersPackages = ['pg']
const isEntry = (file: string) => /^gateway\/(entry|cli)\//.test(file)
const violations = (predicate: (i: Import) => boolean) => imports.filter(predicate).map((i) => `${i.file} imports ${i.specifier}`)
const importsByFile = new Map<string, Import[]>()
for (const i of imports) importsByFile.set(i.file, [...(importsByFile.get(i.file) ?? []), i])
/**
 * Every source file reached from `starts` by relative imports (static, re-exports and dynamic;
 * only those evaluated when the module loads, if `eagerOnly`).
 */
function reachableFrom(starts: string[], eagerOnly = false): Set<string> {
  const reached = new Set<string>()
  const queue = [...starts]
  while (queue.length > 0) {
    const file = queue.pop() as string
    if (reached.has(file)) continue
    reached.add(file)
    for (const i of importsByFile.get(file) ?? []) if (i.target && (i.eager || !eagerOnly)) queue.push(i.target.replace(/\.js$/, '.ts'))
  }
  return reached
}

describe('import rules', () => {
  it('finds the source files it checks', () => {
    expect(all.length).toBeGreaterThan(20)
    expect(all).toContain('gateway/app.ts')
  })

  it('the verification module departments copy (verify/) imports nothing and uses no Node global', () => {
    const files = readdirSync(join(root, 'verify')).filter((name) => name.endsWith('.js'))
    expect(files).toContain('index.js')
    for (const name of files) {
      const text = readFileSync(join(root, 'verify', name), 'utf8')
      expect(
        importsOf(`verify/${name}`).map((i) => i.specifier),
        name,
      ).toEqual([])
      expect(text, name).not.toMatch(/\b(require\(|process\.|Buffer\b)/)
    }
  })

  it('connectors never import gateway/ or policies/', () => {
    expect(violations((i) => i.file.startsWith('connectors/') && /^(gateway|policies)\//.test(i.target ?? ''))).toEqual([])
  })

  it('a connector imports only its own folder, the kit and schemas/', () => {
    expect(
      violations((i) => {
        const from = connectorOf(i.file)
        const to = i.target ? connectorOf(i.target) : null
        // A registry being rebuilt by description runs its own tests against the engine through its fixture.
        const rebuilding = i.file.endsWith('/described-fixture.node.ts') && to === 'described'
        return from !== null && from !== 'kit' && to !== null && to !== from && to !== 'kit' && !rebuilding
      }),
    ).toEqual([])
  })

  it('every registry connector has the same files: hand-written (what only its wire needs under wire/), or its description and a sandbox, no code', () => {
    // partners/ holds the exchange partners' wires: the systems the gateway delivers to, not registries it reads.
    // described/ is the engine of the connectors described as data, whose folders hold a mapping.yaml and no code.
    const registries = readdirSync(join(root, 'connectors')).filter(
      (name) =>
        name !== 'kit' &&
        name !== 'partners' &&
        name !== 'described' &&
        statSync(join(root, 'connectors', name)).isDirectory() &&
        !existsSync(join(root, 'connectors', name, 'mapping.yaml')),
    )
    expect(registries.length).toBeGreaterThanOrEqual(3)
    const handWritten = ['README.md', 'connector.ts', 'index.ts', 'map.ts', 'operations.ts', 'resolvers.ts', 'sandbox', 'upstream.ts']
    // A canonical registry connected by description holds its description and mapping (described/,
    // no code), its simulated registry, and the fixture its tests call the engine through.
    const byDescription = ['README.md', 'described', 'described-fixture.node.ts', 'sandbox']
    const described = registries.filter((registry) => existsSync(join(root, 'connectors', registry, 'described')))
    expect(described.sort()).toEqual(['business', 'land'])
    for (const registry of registries) {
      const byItsDescription = described.includes(registry)
      // Only hand-written code has a wire of its own to keep apart.
      const own = readdirSync(join(root, 'connectors', registry)).filter((name) => !/\.test\.ts$/.test(name) && (byItsDescription || name !== 'wire'))
      expect({ registry, files: own.sort() }).toEqual({ registry, files: byItsDescription ? byDescription : handWritten })
    }
  })

  it('a connector described as data holds its README, its mapping and the description it names: no code', () => {
    // Top-level folders, and the described/ folder of a registry being rebuilt by description.
    const described = readdirSync(join(root, 'connectors'))
      .flatMap((name) => [name, `${name}/described`])
      .filter((name) => existsSync(join(root, 'connectors', name, 'mapping.yaml')))
    expect(described.length).toBeGreaterThanOrEqual(2)
    for (const name of described) {
      const mapping = readFileSync(join(root, 'connectors', name, 'mapping.yaml'), 'utf8')
      const description = /^description:\s*(\S+)\s*$/m.exec(mapping)?.[1]
      const files = readdirSync(join(root, 'connectors', name), { recursive: true })
        .map(String)
        .sort()
      expect({ name, files }).toEqual({ name, files: ['README.md', description, 'mapping.yaml'].sort() })
    }
  })

  it('the exchange partners have their contract, their wires, their signatures, their sandboxes and a README', () => {
    const own = readdirSync(join(root, 'connectors', 'partners')).filter((name) => !/\.test\.ts$/.test(name))
    expect(own.sort()).toEqual([
      'README.md',
      'content-digest.ts',
      'gateway-client.ts',
      'message.ts',
      'sandbox',
      'signature-base.ts',
      'signature-crypto.ts',
      'signatures.ts',
      'wires.ts',
    ])
  })

  it('the kit imports no connector', () => {
    expect(violations((i) => connectorOf(i.file) === 'kit' && i.target !== null && connectorOf(i.target) !== null && connectorOf(i.target) !== 'kit')).toEqual(
      [],
    )
  })

  it('policies import nothing from gateway/ or connectors/', () => {
    expect(violations((i) => i.file.startsWith('policies/') && /^(gateway|connectors)\//.test(i.target ?? ''))).toEqual([])
  })

  it('schemas import only schemas', () => {
    expect(violations((i) => i.file.startsWith('schemas/') && i.target !== null && !i.target.startsWith('schemas/'))).toEqual([])
  })

  it('the gateway core reaches connectors only through connectors/index.ts', () => {
    const core = (file: string) => file.startsWith('gateway/') && !/^gateway\/(entry|cli)\//.test(file)
    expect(violations((i) => core(i.file) && (i.target ?? '').startsWith('connectors/') && i.target !== 'connectors/index.js')).toEqual([])
  })

  it('only Node adapters (*.node.ts), gateway/entry and gateway/cli use Node-only modules, process or Buffer; Workers adapters (*.workers.ts) pg alone', () => {
    const runtimeNeutral = (file: string) =>
      (file.startsWith('gateway/') && !isEntry(file) && !isNodeAdapter(file)) ||
      (file.startsWith('connectors/') && !isNodeAdapter(file) && !file.includes('/sandbox/') && file !== 'connectors/sandboxes.ts') ||
      file.startsWith('schemas/') ||
      file.startsWith('policies/')
    expect(
      violations((i) => runtimeNeutral(i.file) && isNodeOnly(i.specifier) && !(isWorkersAdapter(i.file) && workersPackages.includes(i.specifier))),
    ).toEqual([])
    const globals = all.filter((file) => runtimeNeutral(file) && /\b(process\.|Buffer\.|globalThis\.process)/.test(codeOf(file)))
    expect(globals).toEqual([])
  })

  it('nothing Node-only is reachable from the gateway core, even through other files', () => {
    // Follows relative imports transitively from the runtime surfaces: a Workers bundle of
    // createGateway must not pull in a sandbox server or a Node client by way of an index file.
    const reached = reachableFrom(['gateway/app.ts', 'connectors/index.ts'])
    expect(reached.size).toBeGreaterThan(30)
    const offenders = [...reached].flatMap((file) =>
      (importsByFile.get(file) ?? []).filter((i) => isNodeOnly(i.specifier)).map((i) => `${file} imports ${i.specifier}`),
    )
    expect(offenders).toEqual([])
    expect([...reached].filter((file) => file.includes('/sandbox/'))).toEqual([])
  })

  it('nothing Node-only is reachable from the Workers entry but pg, through Workers adapters', () => {
    const reached = reachableFrom(['gateway/entry/workers.ts'])
    // The whole gateway is behind it: the check would pass vacuously on a stub entry.
    expect(reached.has('gateway/app.ts')).toBe(true)
    expect(reached.has('connectors/index.ts')).toBe(true)
    const offenders = [...reached].flatMap((file) =>
      (importsByFile.get(file) ?? [])
        .filter((i) => isNodeOnly(i.specifier) && !(isWorkersAdapter(file) && workersPackages.includes(i.specifier)))
        .map((i) => `${file} imports ${i.specifier}`),
    )
    expect(offenders).toEqual([])
    expect([...reached].filter((file) => isNodeAdapter(file) || file.includes('/sandbox/') || file === 'connectors/sandboxes.ts')).toEqual([])
  })

  it('the Workers entry loads the registry clients from a handler, not when its module loads', () => {
    // cockatiel makes an AbortController when its module is evaluated, which workerd forbids
    // outside a handler: the whole bundle then fails to start. Bundled, a module only imported
    // with import() is evaluated on first use.
    const atLoad = reachableFrom(['gateway/entry/workers.ts'], true)
    expect(atLoad.has('gateway/entry/workers.ts')).toBe(true)
    expect([...atLoad].filter((file) => file === 'connectors/kit/resilience.ts' || file === 'connectors/index.ts')).toEqual([])
    expect(reachableFrom(['gateway/entry/workers.ts']).has('connectors/kit/resilience.ts')).toBe(true)
    const cockatiel = all.filter((file) => importsOf(file).some((i) => i.specifier === 'cockatiel'))
    expect(cockatiel).toEqual(['connectors/kit/resilience.ts'])
  })

  it('only the entries, the CLI and other Node adapters import a Node adapter', () => {
    const toSource = (target: string) => target.replace(/\.js$/, '.ts')
    expect(violations((i) => i.target !== null && isNodeAdapter(toSource(i.target)) && !isEntry(i.file) && !isNodeAdapter(i.file))).toEqual([])
  })

  it('only the entries import a Workers adapter', () => {
    const toSource = (target: string) => target.replace(/\.js$/, '.ts')
    expect(violations((i) => i.target !== null && isWorkersAdapter(toSource(i.target)) && !isEntry(i.file))).toEqual([])
  })

  it('adapters sit beside their port: no Node adapter in gateway/entry, which only wires', () => {
    expect(all.filter((file) => file.startsWith('gateway/entry/') && isNodeAdapter(file))).toEqual([])
  })

  it('no double cast (as unknown as) outside tests: a type that does not fit is fixed where it is declared', () => {
    expect(all.filter((file) => !file.endsWith('.fixture.ts') && /\bas unknown as\b/.test(codeOf(file)))).toEqual([])
  })

  it("no source asks fetch for redirect: 'error', which workerd refuses (fetchWithoutRedirects instead)", () => {
    expect(all).toContain('connectors/kit/no-redirect.ts')
    expect(all.filter((file) => /redirect:\s*['"]error['"]/.test(codeOf(file)))).toEqual([])
  })

  it('nothing outside the entries imports an entry', () => {
    expect(violations((i) => !/^gateway\/(entry|cli)\//.test(i.file) && (i.target ?? '').startsWith('gateway/entry/'))).toEqual([])
  })

  it('no circles: no module reaches itself through its imports, type-only imports included', () => {
    // A circle means two modules that cannot be understood, tested or moved apart: a port that
    // imports its adapter, a connector and its resolvers that each need the other.
    expect(circles(importGraph())).toEqual([])
  })

  it.each<[string, Record<string, string[]>, string[][]]>([
    ['a chain is no circle', { a: ['b'], b: ['c'], c: [] }, []],
    ['two modules importing each other', { a: ['b'], b: ['a'] }, [['a', 'b']]],
    ['a longer circle, found once', { a: ['b'], b: ['c'], c: ['a'], d: ['a'] }, [['a', 'b', 'c']]],
    ['a module importing itself', { a: ['a'] }, [['a']]],
  ])('the circle finder: %s', (_case, edges, expected) => {
    expect(circles(new Map(Object.entries(edges)))).toEqual(expected)
  })

  it('the checkers catch violations (they can fail)', () => {
    expect(isNodeOnly('fs/promises')).toBe(true)
    expect(isNodeOnly('node:crypto')).toBe(true)
    expect(isNodeOnly('ioredis')).toBe(true)
    expect(isNodeOnly('jose')).toBe(false)
    expect(isNodeAdapter('gateway/shared-store/redis.node.ts')).toBe(true)
    expect(isNodeAdapter('gateway/database/pglite-worker.node.ts')).toBe(true)
    expect(isNodeAdapter('gateway/database/pglite-thread.node.mjs')).toBe(true)
    expect(all).toContain('gateway/database/pglite-prepared.node.mjs')
    expect(isWorkersAdapter('gateway/database/postgres.workers.ts')).toBe(true)
    expect([...reachableFrom(['gateway/entry/node.ts'])].some(isNodeAdapter)).toBe(true)
    expect(isWorkersAdapter('gateway/database/postgres.node.ts')).toBe(false)
    expect(isNodeAdapter('gateway/shared-store/redis.ts')).toBe(false)
    expect(isNodeAdapter('gateway/app.ts')).toBe(false)
    expect(importsOf('gateway/app.ts').some((i) => i.specifier === 'hono')).toBe(true)
    expect(connectorOf('connectors/land/map.ts')).toBe('land')
  })
})

describe('comments and documents speak for themselves', () => {
  // A numbered rule is fragile even within the repository: name the rule or link its section.
  // Built from parts, so this file does not match its own pattern.
  const outside = new RegExp(
    ['\\b(?:issue|issues) #?\\d+', '\\(#\\d+\\)', 'DESIGN ?' + '\u00a7', 'DESIGN\\.md', 'style\\.md', '\\brule \\d+\\b', 'domain' + '-vn'].join('|'),
    'i',
  )
  const tracked = () =>
    execFileSync('git', ['ls-files', '-z'], { cwd: root, encoding: 'utf8' })
      .split('\0')
      .filter((file) => /\.(ts|tsx|mjs|js|md|yaml|graphql|json)$/.test(file) && file !== 'package-lock.json')
      .filter((file) => !file.startsWith('node_modules/') && !file.startsWith('.stryker-tmp/'))

  it('no comment, test name or document cites an issue number, a numbered rule or a document outside the repository', () => {
    const citations = tracked().flatMap((file) =>
      readFileSync(join(root, file), 'utf8')
        .split('\n')
        .flatMap((line, index) => (outside.test(line) ? [`${file}:${index + 1}: ${line.trim()}`] : [])),
    )
    expect(citations).toEqual([])
  })

  it.each([
    ['// fixed in issue' + ' #12', true],
    ['// see issues' + ' 12 and 14', true],
    ['see DESIGN \u00a75', true],
    ['as style' + '.md says', true],
    ['(style' + '.md ' + 'rule' + ' 4)', true],
    ['keeps coordinate masks (' + 'rule' + ' 5 below)', true],
    ['(domain' + '-vn \u00a72.1)', true],
    ['the audit trail (' + '#5) is in', true],
    ['the issuer of the token', false],
    ['a colour (#fff) or an anchor (#where-things-live)', false],
    ['the rules below', false],
  ])('the pattern: %s → %s', (line, cites) => {
    expect(outside.test(line)).toBe(cites)
  })
})

/** Every relative import between the checked source files, as module → modules it imports. */
function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>(all.map((file) => [file, []]))
  for (const i of imports) {
    const target = i.target?.replace(/\.js$/, '.ts')
    if (target && graph.has(target)) graph.get(i.file)!.push(target)
  }
  return graph
}

/** The circles of a graph (Tarjan's strongly connected components of more than one module, or one that imports itself), each sorted, in order. */
function circles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  const index = new Map<string, number>()
  const low = new Map<string, number>()
  const stack: string[] = []
  const onStack = new Set<string>()
  const found: string[][] = []
  const visit = (module: string) => {
    index.set(module, index.size)
    low.set(module, index.get(module)!)
    stack.push(module)
    onStack.add(module)
    for (const next of graph.get(module) ?? []) {
      if (!graph.has(next)) continue
      if (!index.has(next)) {
        visit(next)
        low.set(module, Math.min(low.get(module)!, low.get(next)!))
      } else if (onStack.has(next)) low.set(module, Math.min(low.get(module)!, index.get(next)!))
    }
    if (low.get(module) !== index.get(module)) return
    const component: string[] = []
    let member: string
    do {
      member = stack.pop()!
      onStack.delete(member)
      component.push(member)
    } while (member !== module)
    if (component.length > 1 || (graph.get(module) ?? []).includes(module)) found.push(component.sort())
  }
  for (const module of graph.keys()) if (!index.has(module)) visit(module)
  return found.sort((a, b) => a[0]!.localeCompare(b[0]!))
}
