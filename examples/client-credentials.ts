/**
 * A department system calling the gateway: it holds only its client id and private key.
 *   1. sign a short-lived client assertion (RFC 7523) with the private key;
 *   2. exchange it at POST /oauth/token for an access token (client credentials, private_key_jwt);
 *   3. call /graphql with the token and a request context signed with the same key (purpose and
 *      officer, addressed to the gateway: `aud` = its issuer), good for this one request.
 *
 * Usage: node --import tsx examples/client-credentials.ts <gateway-url> <client-id> <private-jwk-file> [issuer]
 * (`npm start` prints the dev clients' private key files; a real client keeps its own.)
 */
import { readFile } from 'node:fs/promises'
import { importJWK, SignJWT, type JWK } from 'jose'

const [gatewayUrl, clientId, keyFile, issuerArg] = process.argv.slice(2)
if (!gatewayUrl || !clientId || !keyFile) {
  process.stderr.write('Usage: client-credentials.ts <gateway-url> <client-id> <private-jwk-file> [issuer]\n')
  process.exit(2)
}
const issuer = (issuerArg ?? gatewayUrl).replace(/\/$/, '')

const jwk = JSON.parse(await readFile(keyFile, 'utf8')) as JWK
const alg = jwk.kty === 'OKP' ? 'EdDSA' : 'ES256'
const privateKey = await importJWK(jwk, alg)
const now = Math.floor(Date.now() / 1000)
const assertion = await new SignJWT({})
  .setProtectedHeader({ alg, ...(jwk.kid ? { kid: jwk.kid } : {}) })
  .setIssuer(clientId)
  .setSubject(clientId)
  .setAudience(`${issuer}/oauth/token`)
  .setIssuedAt(now)
  .setExpirationTime(now + 60)
  .setJti(crypto.randomUUID())
  .sign(privateKey)

const tokenResponse = await fetch(`${gatewayUrl}/oauth/token`, {
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams({
    grant_type: 'client_credentials',
    client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
    client_assertion: assertion,
  }),
})
const tokenBody = (await tokenResponse.json()) as { access_token?: string; expires_in?: number; error?: string; error_description?: string }
if (!tokenResponse.ok || !tokenBody.access_token) {
  process.stderr.write(`token endpoint refused: ${tokenResponse.status} ${tokenBody.error}: ${tokenBody.error_description}\n`)
  process.exit(1)
}
process.stdout.write(`access token for ${clientId}, expires in ${tokenBody.expires_in} s\n`)

// The request context: why this request is made and by which officer, signed so the gateway (and
// its audit trail) know the agency itself vouches for them. One request only (a fresh jti), for
// this gateway only (aud = its issuer, not the token endpoint), at most 60 s.
const contextIat = Math.floor(Date.now() / 1000)
const requestContext = await new SignJWT({ purpose: 'KIEM_TRA_KET_NOI', endUser: 'can-bo-mot-cua-01' })
  .setProtectedHeader({ alg, ...(jwk.kid ? { kid: jwk.kid } : {}) })
  .setIssuer(clientId)
  .setAudience(issuer)
  .setIssuedAt(contextIat)
  .setExpirationTime(contextIat + 30)
  .setJti(crypto.randomUUID())
  .sign(privateKey)

const query = '{ administrativeUnit(code: "00097") { fullName parent { name } predecessors { fullName } } }'
const graphqlResponse = await fetch(`${gatewayUrl}/graphql`, {
  method: 'POST',
  headers: { 'content-type': 'application/json', authorization: `Bearer ${tokenBody.access_token}`, 'x-request-context': requestContext },
  body: JSON.stringify({ query }),
})
process.stdout.write(`${graphqlResponse.status} ${await graphqlResponse.text()}\n`)
process.exit(graphqlResponse.ok ? 0 : 1)
