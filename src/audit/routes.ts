import { createRoute, z } from '@hono/zod-openapi';
import { createRouter } from '../core/http.js';
import { bearerSecurity, problemResponses, ProblemSchema } from '../core/openapi.js';
import {
  getAuditKey,
  getCheckpoint,
  getConsistencyProof,
  getInclusionProof,
  listEntries,
  verifyAuditLog,
  verifyReceipt,
} from './service.js';
import { checkCommitment } from './commitment.js';

const tags = ['audit'];
const index = z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
const hex = z.string().regex(/^[0-9a-f]{64}$/);
const json = <T extends z.ZodType>(schema: T, description = 'OK') => ({ description, content: { 'application/json': { schema } } });

const Checkpoint = z
  .object({
    size: z.number().int(),
    rootHash: hex.openapi({ description: 'RFC 9162 root, hex' }),
    timestamp: z.string(),
    checkpoint: z.string().openapi({ description: 'C2SP tlog-checkpoint signed note: our signature line, then one cosignature line per witness that cosigned it' }),
    cosignatures: z
      .array(z.object({ witness: z.string(), time: z.string() }))
      .openapi({ description: 'The witnesses whose cosignature lines follow ours in `checkpoint` (C2SP tlog-cosignature/v1)' }),
  })
  .openapi('AuditCheckpoint');

const keyRoute = createRoute({
  method: 'get',
  path: '/api/v1/audit/key',
  tags,
  summary: 'The Ed25519 public key that signs checkpoints (public).',
  responses: {
    200: json(z.object({ algorithm: z.literal('Ed25519'), publicKey: z.string(), keyName: z.string(), verifierKey: z.string().openapi({ description: 'C2SP signed-note verifier key' }) })),
  },
});

const checkpointRoute = createRoute({
  method: 'get',
  path: '/api/v1/audit/checkpoint',
  tags,
  summary: 'A signed checkpoint of the log as it is now, signed on demand when the latest is behind (public). `Accept: text/plain` returns the C2SP text alone.',
  responses: {
    200: {
      description: 'The checkpoint',
      content: { 'application/json': { schema: Checkpoint }, 'text/plain': { schema: z.string() } },
    },
    500: { description: 'The log is inconsistent with the last signed checkpoint; nothing was signed', content: { 'application/problem+json': { schema: ProblemSchema } } },
  },
});

const entriesRoute = createRoute({
  method: 'get',
  path: '/api/v1/audit/entries',
  tags,
  summary: 'Entries [from, to) with their exact leaf bytes, base64 (admin, supervisor). At most 1000 per call; `to` in the answer is where this page ends.',
  security: bearerSecurity,
  request: { query: z.object({ from: index.default(0), to: index.optional() }) },
  responses: {
    200: json(
      z.object({
        from: z.number().int(),
        to: z.number().int(),
        size: z.number().int(),
        entries: z.array(
          z.object({
            seq: z.number().int(),
            at: z.string(),
            actor: z.string(),
            action: z.string(),
            entity: z.string(),
            entityId: z.string(),
            payload: z.unknown(),
            leaf: z.string().nullable().openapi({ description: 'base64 of the leaf bytes (UTF-8 canonical JSON); null when withheld' }),
            leafHash: z.string(),
            withheld: z.enum(['own_case']).optional().openapi({ description: 'The entry is about the reader (a supervisor linked to that officer): payload and bytes are not shown' }),
          }),
        ),
      }),
    ),
    ...problemResponses,
  },
});

const inclusionRoute = createRoute({
  method: 'get',
  path: '/api/v1/audit/proofs/inclusion',
  tags,
  summary: 'RFC 9162 inclusion proof of leaf `index` in the tree of `size` leaves (default: the current size) (public).',
  request: { query: z.object({ index, size: index.optional() }) },
  responses: {
    200: json(z.object({ index: z.number().int(), size: z.number().int(), leafHash: z.string().nullable(), path: z.array(z.string()) })),
    400: problemResponses[400],
  },
});

const consistencyRoute = createRoute({
  method: 'get',
  path: '/api/v1/audit/proofs/consistency',
  tags,
  summary: 'RFC 9162 consistency proof between the trees of `from` and `to` leaves (public).',
  request: { query: z.object({ from: index, to: index }) },
  responses: {
    200: json(z.object({ from: z.number().int(), to: z.number().int(), path: z.array(z.string()) })),
    400: problemResponses[400],
  },
});

const verifyRoute = createRoute({
  method: 'get',
  path: '/api/v1/audit/verify',
  tags,
  summary: 'Recompute every leaf, node and checkpoint from the stored entries (admin); names the first bad index.',
  security: bearerSecurity,
  responses: {
    200: json(
      z.object({
        ok: z.boolean(),
        size: z.number().int(),
        rootHash: z.string().optional(),
        checkpoints: z.number().int(),
        nodes: z.number().int(),
        firstBadIndex: z.number().int().optional(),
        problem: z.string().optional(),
        rewinds: z
          .array(z.object({ size: z.number().int(), rootHash: z.string(), signedAt: z.string(), diverges: z.boolean(), entryIndex: z.number().int(), reason: z.string() }))
          .openapi({ description: 'Signed checkpoints of a history a restore rewound, each with the audit entry that records the rewind and its reason' }),
      }),
    ),
    ...problemResponses,
  },
});

const receiptRoute = createRoute({
  method: 'get',
  path: '/api/v1/audit/receipts/verify',
  tags,
  summary: 'Check a receipt (leaf index and leaf hash) against the latest signed checkpoint (public).',
  request: { query: z.object({ index, hash: z.string() }) },
  responses: {
    200: json(
      z.object({
        index: z.number().int(),
        leafHash: z.string(),
        included: z.boolean(),
        problem: z.string().optional(),
        checkpoint: Checkpoint,
        path: z.array(z.string()),
        witnesses: z
          .array(z.object({ witness: z.string(), size: z.number().int(), time: z.string().nullable(), configured: z.boolean(), holdsReceipt: z.boolean() }))
          .openapi({ description: 'Each witness: the largest tree it has cosigned and whether that tree holds this receipt' }),
      }),
    ),
    400: problemResponses[400],
  },
});

const commitmentRoute = createRoute({
  method: 'post',
  path: '/api/v1/audit/commitments/verify',
  tags,
  summary: 'Check a record and its nonce against the salted commitments of leaf `index` (public; nothing is stored). Leaves commit to personal data instead of holding it (docs/audit.md).',
  request: {
    body: {
      required: true,
      content: {
        'application/json': {
          schema: z.object({ index, record: z.record(z.string(), z.unknown()), nonce: z.string().min(1).max(200) }).openapi('CommitmentCheck'),
        },
      },
    },
  },
  responses: {
    200: json(z.object({ index: z.number().int(), action: z.string(), entity: z.string(), entityId: z.string(), matches: z.boolean(), field: z.string().nullable() })),
    400: problemResponses[400],
    404: { description: 'No such entry', content: { 'application/problem+json': { schema: ProblemSchema } } },
  },
});

/** The audit API (the public /verify page is one of the pages: src/pages/verify.tsx). */
export const auditRoutes = createRouter()
  .openapi(keyRoute, (c) => c.json(getAuditKey({ ctx: c.get('ctx') }), 200))
  .openapi(checkpointRoute, async (c) => {
    const cp = await getCheckpoint({ ctx: c.get('ctx') });
    const accept = c.req.header('accept') ?? '';
    if (/text\/plain/.test(accept) && !/application\/json/.test(accept)) {
      return c.body(cp.checkpoint, 200, { 'content-type': 'text/plain; charset=utf-8' }) as never;
    }
    return c.json(cp, 200);
  })
  .openapi(entriesRoute, async (c) => c.json(await listEntries({ ctx: c.get('ctx'), input: c.req.valid('query') }), 200))
  .openapi(inclusionRoute, async (c) => c.json(await getInclusionProof({ ctx: c.get('ctx'), input: c.req.valid('query') }), 200))
  .openapi(consistencyRoute, async (c) => c.json(await getConsistencyProof({ ctx: c.get('ctx'), input: c.req.valid('query') }), 200))
  .openapi(verifyRoute, async (c) => c.json(await verifyAuditLog({ ctx: c.get('ctx') }), 200))
  .openapi(receiptRoute, async (c) => c.json(await verifyReceipt({ ctx: c.get('ctx'), input: c.req.valid('query') }), 200))
  .openapi(commitmentRoute, async (c) => c.json(await checkCommitment({ ctx: c.get('ctx'), input: c.req.valid('json') }), 200));

