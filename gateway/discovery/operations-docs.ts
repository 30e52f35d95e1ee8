import type { RouteDoc } from './route-doc.js'
import { htmlAnswer, jsonAnswer } from './route-doc.js'

/** Where this document and its reference page are served. */
export const OPENAPI_PATH = '/openapi.json'
export const REFERENCE_PATH = '/docs'

/** What keeps the gateway running and found: health, metrics, this document. */
export const OPERATIONS_ROUTES: RouteDoc[] = [
  {
    method: 'get',
    path: '/healthz',
    caller: 'public',
    operation: {
      operationId: 'healthz',
      tags: ['operations'],
      summary: 'Liveness: the process answers',
      responses: { '200': jsonAnswer('Alive.', 'Health') },
    },
  },
  {
    method: 'get',
    path: '/readyz',
    caller: 'public',
    operation: {
      operationId: 'readyz',
      tags: ['operations'],
      summary: 'Readiness: every dependency probed (1 s each, results reused for 2 s)',
      description:
        'A critical dependency down (the database) makes the gateway unready (503); only a registry or Redis down leaves it serving, `degraded` (200), so that a load balancer keeps it in rotation. A probe says `timeout` or `unavailable`, never a dependency’s own message or address.',
      responses: {
        '200': jsonAnswer('Ready (`ok`), or serving without a non-critical dependency (`degraded`).', 'Readiness'),
        '503': jsonAnswer('Unready (`unavailable`): a critical dependency is down.', 'Readiness'),
      },
    },
  },
  {
    method: 'get',
    path: '/metrics',
    caller: 'metrics',
    servedWhen: 'METRICS_PORT is set',
    servers: [
      {
        url: 'http://{host}:{port}',
        description: 'The metrics listener: its own port, never the API’s',
        variables: {
          host: { default: '127.0.0.1', description: 'METRICS_HOST' },
          port: { default: '9464', description: 'METRICS_PORT (no default: the listener is off unless it is set)' },
        },
      },
    ],
    operation: {
      operationId: 'metrics',
      tags: ['operations'],
      summary: 'Prometheus metrics (on the metrics listener)',
      description:
        'Requests, registry calls, rate-limit decisions, verifications, audit commits and circuits, and Node’s process metrics. Names no identifier. For Prometheus, not a client: its refusal is plain text, not the error contract.',
      responses: {
        '200': { description: 'The Prometheus text exposition format.', content: { 'text/plain': { schema: { type: 'string' } } } },
        '401': {
          description: 'With METRICS_TOKEN set, anything but `Authorization: Bearer <METRICS_TOKEN>` (with `WWW-Authenticate`).',
          content: { 'text/plain': { schema: { type: 'string', const: 'unauthorized\n' } } },
        },
      },
    },
  },
  {
    method: 'get',
    path: OPENAPI_PATH,
    caller: 'public',
    operation: {
      operationId: 'openapi',
      tags: ['discovery'],
      summary: 'This document (OpenAPI 3.1)',
      responses: {
        '200': {
          description: 'Cached for 300 s.',
          content: { 'application/openapi+json': { schema: { type: 'object', required: ['openapi', 'info', 'paths'] } } },
        },
      },
    },
  },
  {
    method: 'get',
    path: REFERENCE_PATH,
    caller: 'public',
    servedWhen: 'the entry hands the gateway the reference page’s assets (the Node entry does)',
    operation: {
      operationId: 'reference',
      tags: ['discovery'],
      summary: 'This document as a reference page, for people',
      description:
        'Swagger UI, its script and styles inside the page: it works with no internet, under a Content-Security-Policy that admits only them, by hash, and calls to this gateway for this document. It reads; it sends no request to the API.',
      responses: { '200': htmlAnswer('The reference page.') },
    },
  },
]
