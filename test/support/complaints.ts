/** Factories for the complaint tests: two units, officers, a supervisor per role they play, taxpayers. */
import { sql } from 'drizzle-orm';
import type { TestApp } from './app.js';
import { officer, supervisor, taxpayer, unit } from './oversight.js';

export interface ComplaintWorld {
  hr: string;
  intake: string;
  /** Supervises nobody here: eligible for every flag. */
  sup: { token: string; userId: string };
  /** A supervisor who is officer O1 (the subject of complaints). */
  subject: { token: string; userId: string };
}

export async function complaintWorld(t: TestApp): Promise<ComplaintWorld> {
  await unit(t, 'U1');
  await unit(t, 'U2');
  await officer(t, 'O1', { unit: 'U1' });
  await officer(t, 'O2', { unit: 'U2' });
  await officer(t, 'S1', { unit: 'U2' });
  await taxpayer(t, 'TP1');
  const sup = await supervisor(t, 'sup-free', 'S1');
  const subject = await supervisor(t, 'sup-o1', 'O1');
  return { hr: await t.userToken('hr'), intake: await t.userToken('intake'), sup, subject };
}

export function fileVia(t: TestApp, token: string, body: Record<string, unknown>) {
  return t.call('POST', '/api/v1/complaints', { token, json: { channel: 'hotline_12366', category: 'attitude', text: '窗口人员态度生硬', receivedAt: '2026-10-12', ...body } });
}

export async function leaves(t: TestApp): Promise<{ action: string; leaf: string }[]> {
  return t.db.all(sql`select action, leaf from audit_entries order by seq`);
}
