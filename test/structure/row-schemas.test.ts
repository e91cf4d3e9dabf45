import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDb } from '../../db/client.js';
import { createApp } from '../../src/app.js';
import { randomSeed, signerFromSeed } from '../../src/audit/signer.js';

/**
 * The response shapes that drizzle-zod derives from db/schema.ts (src/core/rows.ts), pinned as
 * API.md promises them: a column added to a table, a bound drizzle-zod puts on a number, or a
 * field that should stay internal (an appeal's filer, a response's invitation) fails here.
 */
const promised: Record<string, Record<string, string>> = {
  Unit: { code: 'string', name: 'string', peerGroup: 'string' },
  Officer: { code: 'string', hireDate: 'string', leaveDate: 'string|null', name: 'string', positionStartDate: 'string', supervisorCode: 'string|null', team: 'string', unitCode: 'string' },
  Taxpayer: { category: 'enum(key,general,individual)', code: 'string', name: 'string' },
  Period: { code: 'string', endDate: 'string', startDate: 'string' },
  // Issues 14 and 18: a run says whether it is provisional (the quarter in progress) and, once discarded, by whom, when and why.
  GradingRun: { createdAt: 'string', createdBy: 'string', discardReason: 'string|null', discardedAt: 'string|null', discardedBy: 'string|null', id: 'string', inputDigest: 'string', period: 'string', policyHash: 'string', provisional: 'boolean', publishedAt: 'string|null', publishedBy: 'string|null', status: 'enum(computing,computed,published,failed,discarded)', whatIf: 'boolean' },
  Adjustment: { decidedAt: 'string|null', decidedBy: 'string|null', decisionId: 'string|null', decisionReason: 'string|null', fromTier: 'integer', id: 'string', officerCode: 'string', reason: 'string', requestedAt: 'string', requestedBy: 'string', runId: 'string', status: 'enum(pending,approved,rejected)', toTier: 'integer' },
  Appeal: { correctedTier: 'integer|null', decidedAt: 'string|null', decidedBy: 'string|null', decisionReason: 'string|null', filedAt: 'string', id: 'string', officerCode: 'string', reason: 'string', runId: 'string', status: 'enum(pending,upheld,dismissed)' },
  FeedbackResponse: { attitude: 'integer', auditIndex: 'integer|null', channel: 'enum(form,paper,phone)', comment: 'string|null', complaint: 'string|null', efficiency: 'integer', id: 'string', integrity: 'integer', mean: 'number', officerCode: 'string', period: 'string', professionalism: 'integer', status: 'enum(accepted,voided)', submittedAt: 'string', voidReason: 'string|null', voidedAt: 'string|null' },
  // Issue 13: `amount` is the decided amount, `proposedAmount` the decider's; the panel the service drew replaces the reviewers a decider typed.
  Decision: {
    amendReason: 'string|null', amends: 'string|null', amount: 'number|null', auditIndex: 'integer|null', decidedAt: 'string', deciderCode: 'string|null', deciderUserId: 'string', id: 'string',
    investigators: 'array', justification: 'string', panel: 'array', proposedAmount: 'number|null', recordedAt: 'string',
    review: `object|null ${JSON.stringify({ properties: { panelSize: { type: 'integer' }, quorum: { type: 'integer' }, openedAt: { type: 'string' }, dueAt: { type: 'string' }, closedAt: { type: ['string', 'null'] }, approvals: { type: 'integer' }, rejections: { type: 'integer' }, voted: { type: 'integer' } }, required: ['panelSize', 'quorum', 'openedAt', 'dueAt', 'closedAt', 'voted'] })}`,
    status: 'enum(effective,pending_review,approved,rejected,lapsed,superseded)', subjectOfficerCode: 'string|null', taxpayerCode: 'string|null', threshold: 'number|null', type: 'string', violationType: 'string|null',
  },
  Flag: { closedAt: 'string|null', conditionKey: 'string', evidence: 'record', id: 'string', outcome: 'enum(confirmed,false_positive,escalated)|null', overdue: 'boolean', raisedAt: 'string', reviewerUserId: 'string|null', reviewerUsername: 'string|null', rule: 'string', severity: 'enum(low,medium,high,critical)', status: 'enum(open,in_review,closed)', subjectCode: 'string', unitCode: 'string|null', updatedAt: 'string' },
  FlagTransitionRecord: { actor: 'string', at: 'string', earlyReason: 'string|null', from: 'string|null', id: 'string', outcome: 'string|null', reason: 'string', to: 'string' },
};

type JsonSchema = { type?: string | string[]; enum?: unknown[]; additionalProperties?: unknown; [k: string]: unknown };

/** `string|null`, `enum(a,b)`, `integer`...; any other keyword (a minimum, a format) is printed too, so it cannot slip in. */
function describeProperty(p: JsonSchema): string {
  const types = ([] as string[]).concat(p.type ?? []);
  let out = types.join('|');
  if (p.enum) out = `enum(${p.enum.filter((e) => e !== null).join(',')})${types.includes('null') ? '|null' : ''}`;
  else if (types[0] === 'array') out = 'array';
  else if (types[0] === 'object' && p.additionalProperties) out = 'record';
  const extra = Object.keys(p).filter((k) => !['type', 'enum', 'items', 'additionalProperties', 'propertyNames'].includes(k));
  return extra.length ? `${out} ${JSON.stringify(Object.fromEntries(extra.map((k) => [k, p[k]])))}` : out;
}

type Doc = { components: { schemas: Record<string, { properties: Record<string, JsonSchema>; required: string[] }> } };

describe('row shapes from drizzle-zod keep the public contract', () => {
  let doc: Doc;
  let close = () => {};
  beforeAll(async () => {
    // The document is built from the routes; serving it reads nothing from the database.
    const { db, client } = await openDb({ url: ':memory:' });
    close = () => client.close();
    doc = (await (await createApp({ db, signer: signerFromSeed(randomSeed()) }).request('/openapi.json')).json()) as Doc;
  });
  afterAll(() => close());

  it.each(Object.keys(promised))('%s', (name) => {
    const schema = doc.components.schemas[name]!;
    const got = Object.fromEntries(Object.entries(schema.properties).map(([k, v]) => [k, describeProperty(v)]));
    expect(got).toEqual(promised[name]);
    expect([...schema.required].sort()).toEqual(Object.keys(promised[name]!).sort());
  });
});
