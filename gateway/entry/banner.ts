/** The start-up text of `npm start`: where everything is and a query to paste. */
export interface BannerInput {
  gatewayUrl: string
  mode: string
  upstreams: Record<string, { url: string; sandbox: boolean }>
  example?: { enterpriseCode: string }
}

export function exampleQuery(enterpriseCode: string): string {
  return `{ enterprise(code: "${enterpriseCode}") { code nameVi status { name } legalRepresentatives { name { full } title citizen { birthDate residence { permanent { commune { fullName } province { name } } } landParcels { parcelKey area uses { typeCode typeName } } } } } }`
}

export function renderBanner(input: BannerInput): string {
  const lines = [
    '',
    `LGSP Gateway (${input.mode})`,
    `  Gateway:  ${input.gatewayUrl}/graphql`,
    `  Health:   ${input.gatewayUrl}/healthz   Ready: ${input.gatewayUrl}/readyz`,
    '  Registries:',
    ...Object.entries(input.upstreams).map(
      ([name, upstream]) => `    ${name.padEnd(11)} ${upstream.url}${upstream.sandbox ? '  (sandbox)' : ''}`,
    ),
  ]
  if (input.example) {
    const body = JSON.stringify({ query: exampleQuery(input.example.enterpriseCode) })
    lines.push(
      '',
      'Try it (an enterprise, its legal representative in the population registry, and their land parcels):',
      `  curl -s ${input.gatewayUrl}/graphql -H 'content-type: application/json' \\`,
      `    -d '${body}'`,
    )
  }
  lines.push('')
  return lines.join('\n')
}
