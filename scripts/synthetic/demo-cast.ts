/**
 * The demo's cast, on the first day of its story (ten days before the data window): the admin
 * creates the HR users and the service hall's intake user; HR imports the master data (units,
 * officers, taxpayers, managing-officer history, thresholds); then the admin creates a user for
 * each unit head (supervisor) and each officer who decides, and an HR user who is also an
 * officer. Officers must exist before users link to them, hence the import in between.
 */
import { eq } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import * as schema from '../../db/schema.js';
import type { Actor, Ctx } from '../../src/core/context.js';
import { createUser } from '../../src/auth/users.js';
import { deactivateUser } from '../../src/auth/admin-users.js';
import { importData } from '../../src/imports/import.js';
import type { Bureau, DecisionEvent } from './bureau.js';
import { hrOfficerCode } from './demo-separation.js';
import { at } from './demo-timeline.js';

export interface DemoStaff {
  username: string;
  role: schema.Role;
  officerCode: string | null;
  /** What the printout says this user is for. */
  label: string;
}

export interface DemoCast {
  /** The users the printout lists. */
  staff: DemoStaff[];
  /** Every demo user by username, and by user id. */
  actors: Map<string, Actor>;
  actorsById: Map<string, Actor>;
  /** hr.wang (imports, computes runs, proposes), hr.li (approves, publishes), hr.zhao (an officer too: decides appeals). */
  hr1: Actor;
  hr2: Actor;
  hr3: Actor;
  intake: Actor;
  /** The first unit head's supervisor user: runs the scans and signs the checkpoints. */
  supervisor: Actor;
  /** The officer whose login the demo prints: a busy decider who planted nothing. */
  demoOfficer: string;
  /** Every officer with planted behaviour. */
  plantedSet: Set<string>;
}

export async function castDemo(opts: {
  db: Db;
  clock: { set(iso: string): void };
  ctxOf: (actor: Actor) => Ctx;
  bureau: Bureau;
  decisions: DecisionEvent[];
  /** The story's first day, `YYYY-MM-DD`. */
  t0: string;
  log: (msg: string) => void;
}): Promise<DemoCast> {
  const { db, clock, ctxOf, bureau: b, decisions, t0, log } = opts;
  const [adminRow] = await db.select().from(schema.users).where(eq(schema.users.role, 'admin')).limit(1);
  if (!adminRow) throw new Error('fillDemo: run ensureAdmin first');
  const admin: Actor = { kind: 'user', userId: adminRow.id, username: adminRow.username, role: 'admin', officerCode: null, tokenId: 'demo' };
  const actors = new Map<string, Actor>();
  const actorsById = new Map<string, Actor>();
  const make = async (username: string, role: schema.Role, officerCode?: string) => {
    const u = await createUser({ ctx: ctxOf(admin), input: { username, role, officerCode } });
    const actor: Actor = { kind: 'user', userId: u.id, username, role, officerCode: officerCode ?? null, tokenId: u.tokenId };
    actors.set(username, actor);
    actorsById.set(u.id, actor);
    return actor;
  };
  const unitHeads = b.officers.filter((o) => !o.supervisorCode);
  const deciderCodes = [...new Set(decisions.map((d) => d.deciderCode))].sort();
  // The officer whose login the demo prints: a busy decider who planted nothing.
  const plantedSet = new Set(Object.values(b.planted).flat());
  const perDecider = new Map<string, number>();
  for (const d of decisions) perDecider.set(d.deciderCode, (perDecider.get(d.deciderCode) ?? 0) + 1);
  const demoOfficer = deciderCodes.filter((c) => !plantedSet.has(c)).sort((x, y) => perDecider.get(y)! - perDecider.get(x)!)[0] ?? deciderCodes[0]!;

  // Officers must exist before users link to them: import first (as HR), officer users after.
  const hr1 = await make('hr.wang', 'hr');
  const hr2 = await make('hr.li', 'hr');
  await make('intake.hall', 'intake');
  // A retired self-service kiosk's intake user, deactivated with a reason (ADR 0091): /admin lists
  // it as disabled (search status=disabled), its token is refused, the audit log says why.
  const kiosk = await make('intake.kiosk', 'intake');
  if (kiosk.kind === 'user') await deactivateUser({ ctx: ctxOf(admin), input: { id: kiosk.userId, reason: '自助终端已撤除' } });
  const staff: DemoStaff[] = [
    { username: 'admin', role: 'admin', officerCode: null, label: 'users and tokens' },
    { username: 'hr.wang', role: 'hr', officerCode: null, label: 'imports, grading runs, adjustments (requests)' },
    { username: 'hr.li', role: 'hr', officerCode: null, label: 'second HR user (four eyes): approves adjustments and policies, publishes runs' },
  ];

  clock.set(at(t0, '02:00'));
  const master = await importData({
    ctx: ctxOf(hr1),
    input: { units: b.units, officers: b.officers, taxpayers: b.taxpayers, assignments: b.assignments, thresholds: b.thresholds },
  });
  log(`master data imported: ${JSON.stringify(master.imported)}`);

  clock.set(at(t0, '03:00'));
  for (const [i, head] of unitHeads.entries()) {
    const username = `sup.${head.code.toLowerCase()}`;
    await make(username, 'supervisor', head.code);
    if (i < 2) staff.push({ username, role: 'supervisor', officerCode: head.code, label: `supervisor: flag queue (${head.name}, unit head)` });
  }
  for (const code of deciderCodes) await make(`officer.${code.toLowerCase()}`, 'officer', code);
  // An HR user who is also an officer (DESIGN 1): she decides appeals, never her own case.
  const hrZhaoCode = hrOfficerCode(b, new Set([...deciderCodes, ...unitHeads.map((h) => h.code)]));
  const hr3 = await make('hr.zhao', 'hr', hrZhaoCode);
  const demoOfficerName = b.officers.find((o) => o.code === demoOfficer)!.name;
  staff.push({ username: `officer.${demoOfficer.toLowerCase()}`, role: 'officer', officerCode: demoOfficer, label: `officer ${demoOfficerName}: own report, decisions` });
  staff.push({ username: 'intake.hall', role: 'intake', officerCode: null, label: 'service-hall intake system: issues survey invitations' });
  staff.push({ username: 'hr.zhao', role: 'hr', officerCode: hrZhaoCode, label: `HR and officer ${hrZhaoCode}: decides appeals; refused on her own tier change (HR console)` });
  const supervisor = actors.get(`sup.${unitHeads[0]!.code.toLowerCase()}`)!;
  const intake = actors.get('intake.hall')!;
  return { staff, actors, actorsById, hr1, hr2, hr3, intake, supervisor, demoOfficer, plantedSet };
}
