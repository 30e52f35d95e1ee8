import { readFile, writeFile } from 'node:fs/promises'
import { parseArgs } from 'node:util'
import type { JWK } from 'jose'
import { createGatewayClient, type WireName } from '../../connectors/index.js'
import { issuerOf, parseConfig } from '../config.js'
import {
  buildReport,
  createRelay,
  createReportStore,
  DEFAULT_WIRE,
  renderReportHtml,
  runConformance,
  signReport,
  verifyReport,
  type ConformanceRole,
  type RelayPlan,
  type RunOptions,
  type SignedReport,
} from '../conformance/index.js'
import { serveRelay } from '../conformance/relay-server.node.js'
import { nodeSignatureCrypto } from '../identity/keys/node-signature-crypto.node.js'
import { cliActor, openCliKeys, recordCliAction } from './cli-audit.js'
import { openDatabase } from '../entry/database.js'
import { readKeyHistory } from './key-history.js'
import { conformanceUsage } from './usage.js'

const ROLES = ['desk', 'department', 'portal'] as const
const WIRES = ['canonical', 'igate', 'opencps', 'soap', 'portal'] as const

async function runCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      role: { type: 'string' },
      agency: { type: 'string' },
      target: { type: 'string' },
      wire: { type: 'string' },
      'deadline-ms': { type: 'string' },
      out: { type: 'string', default: 'conformance-report.json' },
      html: { type: 'string' },
      lang: { type: 'string', default: 'vi' },
      json: { type: 'boolean' },
      client: { type: 'string' },
      key: { type: 'string' },
      procedure: { type: 'string' },
      gateway: { type: 'string' },
      issuer: { type: 'string' },
      listen: { type: 'string', default: '127.0.0.1:0' },
      'wait-s': { type: 'string', default: '60' },
    },
    strict: true,
  })
  const role = values.role as ConformanceRole | undefined
  if (!role || !ROLES.includes(role)) {
    process.stderr.write(`--role must be one of ${ROLES.join(', ')}\n`)
    return 2
  }
  if (!values.target || !/^https?:\/\/[^/]/.test(values.target)) {
    process.stderr.write("--target must be the receiving system's http(s) URL\n")
    return 2
  }
  const wire = (values.wire ?? DEFAULT_WIRE[role]) as WireName
  if (!WIRES.includes(wire)) {
    process.stderr.write(`--wire must be one of ${WIRES.join(', ')}\n`)
    return 2
  }
  if (values.agency !== undefined && !/^[a-z0-9]+(?:-[a-z0-9]+)*$/.test(values.agency)) {
    process.stderr.write('--agency must be an agency id as its policy document names it\n')
    return 2
  }
  const deadlineMs = values['deadline-ms'] === undefined ? 3000 : Number(values['deadline-ms'])
  if (!Number.isInteger(deadlineMs) || deadlineMs < 1 || deadlineMs > 60_000) {
    process.stderr.write('--deadline-ms must be an integer between 1 and 60000\n')
    return 2
  }
  if (values.lang !== 'vi' && values.lang !== 'en') {
    process.stderr.write('--lang must be vi or en\n')
    return 2
  }
  const config = parseConfig(process.env)
  // With --json, stdout is the report alone: what a person must read goes to stderr.
  const say = (line: string) => (values.json ? process.stderr : process.stdout).write(`${line}\n`)
  const calling = await callbackSetup(values, role, config, say)
  if (typeof calling === 'number') return calling
  let keys: Awaited<ReturnType<typeof openCliKeys>>
  try {
    keys = await openCliKeys(config)
  } catch (error) {
    // The relay is listening: a process left with it open would never exit.
    await calling?.close()
    throw error
  }
  try {
    const startedAt = new Date().toISOString()
    const cases = await runConformance({
      role,
      target: values.target,
      wire,
      key: keys.signingKey(),
      deadlineMs,
      ...(calling ? { callback: calling.options } : {}),
      onCase: values.json
        ? undefined
        : (result, index, total) =>
            process.stdout.write(`[${index}/${total}] ${result.verdict === 'pass' ? 'ok  ' : 'FAIL'} ${result.id}: ${result.message}\n`),
    })
    const report = buildReport({
      agency: values.agency ?? null,
      role,
      wire,
      target: values.target,
      startedAt,
      finishedAt: new Date().toISOString(),
      deadlineMs,
      cases,
    })
    const signed = await signReport(report, keys.signingKey(), nodeSignatureCrypto)
    await writeFile(values.out, `${JSON.stringify(signed, null, 2)}\n`)
    if (values.html) await writeFile(values.html, renderReportHtml(report, values.lang))
    if (values.json) process.stdout.write(`${JSON.stringify(signed, null, 2)}\n`)
    else {
      for (const failed of cases.filter((c) => c.verdict === 'fail')) process.stdout.write(`\nTo fix ${failed.id}: ${failed.fix ?? ''}\n`)
      process.stdout.write(
        `\n${report.green ? 'GREEN' : 'RED'}: ${report.summary.passed} passed, ${report.summary.failed} failed; signed report ${values.out}\n`,
      )
    }
    return report.green ? 0 : 1
  } finally {
    keys.close()
    await calling?.close()
  }
}

/**
 * The calling half of a run, when `--client` is given: the kit's client, the relay the system is
 * pointed at, and what the run needs to know. A number is the exit code of a usage error.
 */
async function callbackSetup(
  values: { client?: string; key?: string; procedure?: string; gateway?: string; issuer?: string; listen: string; 'wait-s': string; agency?: string },
  role: ConformanceRole,
  config: ReturnType<typeof parseConfig>,
  say: (line: string) => void,
): Promise<{ options: NonNullable<RunOptions['callback']>; close(): Promise<void> } | null | number> {
  if (values.client === undefined) {
    for (const flag of ['key', 'procedure', 'gateway', 'issuer'] as const)
      if (values[flag] !== undefined) {
        process.stderr.write(`--${flag} goes with --client (the kit's own client at the gateway)\n`)
        return 2
      }
    return null
  }
  const usage = (message: string) => {
    process.stderr.write(`${message}\n`)
    return 2
  }
  if (role === 'portal') return usage('the portal takes no steps of its own: --client is for a desk or a department')
  if (!values.key) return usage("--key must name the kit client's private JWK file")
  if (!values.agency) return usage("--agency must name the system's agency (the dossier is transferred to it, or by it)")
  if (!values.procedure || !/^\d+\.\d{6}$/.test(values.procedure))
    return usage('--procedure must be a procedure code both agencies hold grants for, e.g. 1.004227')
  const gateway = values.gateway ?? `http://127.0.0.1:${config.PORT}`
  if (!/^https?:\/\/[^/]/.test(gateway)) return usage("--gateway must be the gateway's http(s) URL")
  const issuer = values.issuer ?? issuerOf(config)
  if (!/^https?:\/\/[^/]/.test(issuer)) return usage("--issuer must be the gateway's issuer URL")
  const listen = /^(.+):(\d{1,5})$/.exec(values.listen)
  if (!listen || Number(listen[2]) > 65_535) return usage('--listen must be HOST:PORT (port 0: any free one)')
  if (!['127.0.0.1', 'localhost', '::1', '[::1]'].includes(listen[1]!))
    return usage(
      "--listen must be a loopback address: the relay carries the system's tokens and documents over plain HTTP. Reach it from another host through an SSH tunnel or a TLS proxy you control.",
    )
  if (config.NODE_ENV === 'production')
    return usage(
      "--client is refused in production: the kit's dossier would be real, and pushed to the national portal. Run the calling cases against a staging gateway.",
    )
  const waitS = Number(values['wait-s'])
  if (!Number.isInteger(waitS) || waitS < 1 || waitS > 3600) return usage('--wait-s must be an integer between 1 and 3600')
  let privateKey: JWK
  try {
    privateKey = JSON.parse(await readFile(values.key, 'utf8')) as JWK
  } catch (error) {
    return usage(`--key ${values.key} is not a JWK file: ${error instanceof Error ? error.message : String(error)}`)
  }
  if (typeof privateKey.d !== 'string') return usage(`--key ${values.key} holds no private key`)
  const plan: RelayPlan = { rateLimitedRetryAfterS: 2, unavailableRetryAfterS: 1, corruptOnce: new Set() }
  const relay = createRelay({ gateway, plan })
  const server = await serveRelay(relay, { host: listen[1]!.replace(/^\[|\]$/g, ''), port: Number(listen[2]) })
  say(`relay for the system's calls: ${server.url}`)
  return {
    options: {
      relay,
      plan,
      relayUrl: server.url,
      issuer,
      counterpart: createGatewayClient({ gateway, issuer, clientId: values.client, privateKey, purpose: 'GIAI_QUYET_TTHC', endUser: 'kiem-thu-tuong-thich' }),
      vendorAgency: values.agency,
      procedure: values.procedure,
      waitMs: waitS * 1000,
      onInstruction: (text) => say(`>> ${text}`),
    },
    close: () => server.close(),
  }
}

async function verifyCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args, options: { keys: { type: 'string' } }, allowPositionals: true, strict: true })
  const file = positionals[0]
  if (!file) {
    process.stderr.write(`Usage:\n${conformanceUsage}`)
    return 2
  }
  let report: unknown
  try {
    report = JSON.parse(await readFile(file, 'utf8'))
  } catch (error) {
    process.stderr.write(`${file} is not a JSON report: ${error instanceof Error ? error.message : String(error)}\n`)
    return 1
  }
  const verdict = await verifyReport(report, (await readKeyHistory(values.keys)).keys)
  if (!verdict.ok) {
    process.stdout.write(`NOT VERIFIED: ${verdict.reason}\n`)
    return 1
  }
  const summary = report as { green?: boolean; target?: string; role?: string; summary?: { passed: number; failed: number } }
  process.stdout.write(
    `signature ok (key ${verdict.kid}): ${summary.role} ${summary.target}, ${summary.summary?.passed} passed, ${summary.summary?.failed} failed\n`,
  )
  if (!verdict.current) {
    process.stdout.write(`OLDER CONTRACT: ${verdict.reason}\n`)
    return 1
  }
  process.stdout.write(`${summary.green ? 'VERIFIED GREEN' : 'VERIFIED, NOT GREEN'}\n`)
  return summary.green ? 0 : 1
}

async function recordCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args, options: { agency: { type: 'string' } }, allowPositionals: true, strict: true })
  const file = positionals[0]
  if (!file || !values.agency || !/^[a-z0-9]+(?:-[a-z0-9]+)*$/.test(values.agency)) {
    process.stderr.write(`Usage:\n${conformanceUsage}(--agency: the agency id as its policy document names it)\n`)
    return 2
  }
  const report = JSON.parse(await readFile(file, 'utf8')) as SignedReport
  const verdict = await verifyReport(report, (await readKeyHistory(undefined)).keys)
  if (!verdict.ok || !verdict.current) {
    process.stdout.write(`NOT RECORDED: ${verdict.reason}\n`)
    return 1
  }
  if (report.agency !== values.agency) {
    process.stdout.write(
      `NOT RECORDED: the report was made for ${report.agency ?? 'no agency'}, not ${values.agency} (run the kit with --agency ${values.agency})\n`,
    )
    return 1
  }
  const config = parseConfig(process.env)
  const db = await openDatabase(config)
  try {
    await createReportStore(db).record(values.agency, report, cliActor())
    await recordCliAction(config, db, 'conformance.recorded', {
      agency: values.agency,
      target: report.target.slice(0, 200),
      green: report.green,
      passed: report.summary.passed,
      failed: report.summary.failed,
      contract: report.contractVersion,
    })
  } finally {
    await db.close()
  }
  process.stdout.write(`recorded for ${values.agency}: ${report.green ? 'green' : 'red'}, ${report.summary.passed} passed, ${report.summary.failed} failed\n`)
  return 0
}

/** `lgsp conformance run|record|verify`. */
export async function conformanceCommand(args: string[]): Promise<number> {
  const [sub, ...rest] = args
  if (sub === 'run') return runCommand(rest)
  if (sub === 'record') return recordCommand(rest)
  if (sub === 'verify') return verifyCommand(rest)
  process.stderr.write(`Usage:\n${conformanceUsage}`)
  return 2
}
