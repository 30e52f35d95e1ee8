/** The start-up text of `npm start`: where everything is and a query to paste. */
export interface BannerInput {
  gatewayUrl: string
  mode: string
  upstreams: Record<string, { url: string; sandbox: boolean }>
  issuer: string
  /** Development clients and where their private keys were generated. */
  devClients?: Array<{ clientId: string; privateKeyPath: string }>
  /** The dossier exchange's receiving systems: the portal and each registered agency's. */
  exchange?: Record<string, { url: string; sandbox: boolean }>
  /** Where dossier parts' signatures are checked against. */
  trustList?: string
  /** The sandbox enterprise the example reads, and its legal representative's (synthetic) PIN. */
  example?: { enterpriseCode: string; representativePin: string }
}

/** The purpose the example declares: the tax office's grant covers every field it reads. */
export const EXAMPLE_PURPOSE = 'QUAN_LY_THUE'

export function exampleQuery(enterpriseCode: string): string {
  return `{ enterprise(code: "${enterpriseCode}") { code nameVi status { name } legalRepresentatives { name { full } title pin citizen { residence { permanent { commune { fullName } province { name } } } landParcels { parcelKey area uses { typeCode typeName } } } } } }`
}

export function renderBanner(input: BannerInput): string {
  const lines = [
    '',
    `LGSP Gateway (${input.mode})`,
    `  Gateway:  ${input.gatewayUrl}/graphql`,
    `  Health:   ${input.gatewayUrl}/healthz   Ready: ${input.gatewayUrl}/readyz`,
    `  REST API: ${input.gatewayUrl}/docs   OpenAPI: ${input.gatewayUrl}/openapi.json`,
    `  Issuer:   ${input.issuer}   Token: ${input.gatewayUrl}/oauth/token   Keys: ${input.gatewayUrl}/.well-known/jwks.json`,
    '  Registries:',
    ...Object.entries(input.upstreams).map(([name, upstream]) => `    ${name.padEnd(11)} ${upstream.url}${upstream.sandbox ? '  (sandbox)' : ''}`),
  ]
  if (input.exchange && Object.keys(input.exchange).length > 0) {
    lines.push('  Exchange partners:')
    for (const [name, partner] of Object.entries(input.exchange)) lines.push(`    ${name.padEnd(11)} ${partner.url}${partner.sandbox ? '  (sandbox)' : ''}`)
  }
  if (input.trustList) lines.push(`  Document signatures trusted under: ${input.trustList}`)
  if (input.devClients?.length) {
    lines.push('  Development clients (private keys generated here, never commit them):')
    for (const client of input.devClients) lines.push(`    ${client.clientId.padEnd(24)} ${client.privateKeyPath}`)
  }
  if (input.example) {
    const body = JSON.stringify({ query: exampleQuery(input.example.enterpriseCode) })
    lines.push(
      '',
      'Try it (an enterprise, its legal representative in the population registry, and their land parcels; the PIN is masked for the tax office):',
      `  TOKEN=$(npx lgsp token --agency thue-ha-noi)`,
      `  curl -s ${input.gatewayUrl}/graphql -H 'content-type: application/json' -H "authorization: Bearer $TOKEN" -H 'x-purpose: ${EXAMPLE_PURPOSE}' \\`,
      `    -d '${body}'`,
      '',
      "Then the representative's side: who read their data, when, and for which purpose (a sandbox citizen token stands in for the national e-ID):",
      `  curl -s ${input.gatewayUrl}/v1/access-history -H "authorization: Bearer $(npx lgsp token --citizen ${input.example.representativePin})"`,
    )
  }
  lines.push('')
  return lines.join('\n')
}
