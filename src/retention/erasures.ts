/**
 * The writes that erase personal data, shared by the retention job and a taxpayer's erasure
 * request: cutting invitations' links to their taxpayers, and erasing free text (comments,
 * complaints, and the complaint text older flags still carry in their evidence). Each is a set of
 * UPDATEs by id, so the caller commits them with the audit entry that records the erasure; the
 * log is never touched otherwise, and still verifies afterwards.
 */
import { sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import type { Write } from '../audit/append.js';
import { jsonParam } from '../../db/json-param.js';

const ids = (list: readonly string[]) => jsonParam(list);

/**
 * Cuts the link of the given invitations: no taxpayer code, an interaction reference that names
 * only the invitation, and no nonce, so the leaf's commitment can never be opened again.
 */
export function cutLinks(db: Db, invitationIds: readonly string[], at: string): Write[] {
  if (!invitationIds.length) return [];
  return [
    db.run(sql`update invitations set taxpayer_code = null, interaction_ref = 'cut:' || id, commitment_nonce = null, link_cut_at = ${at}
      where id in (select value from json_each(${ids(invitationIds)})) and taxpayer_code is not null`) as unknown as Write,
  ];
}

/**
 * Erases the text of the given responses (comment, complaint) and complaints, with their
 * commitments' nonces (the text is gone, and the leaf can no longer be tested against guesses),
 * and the text older complaint flags kept in their evidence. Ratings and every grading input stay.
 */
export function eraseText(db: Db, target: { responseIds: readonly string[]; complaintIds: readonly string[] }, at: string): Write[] {
  const out: Write[] = [];
  if (target.responseIds.length) {
    out.push(
      db.run(sql`update feedback_responses set comment = null, complaint = null, commitment_nonce = null, text_erased_at = ${at}
        where id in (select value from json_each(${ids(target.responseIds)})) and text_erased_at is null`) as unknown as Write,
    );
  }
  if (target.complaintIds.length) {
    const list = ids(target.complaintIds);
    out.push(
      db.run(sql`update complaints set text = '', commitment_nonce = null, text_erased_at = ${at}
        where id in (select value from json_each(${list})) and text_erased_at is null`) as unknown as Write,
      db.run(sql`update flags set evidence = json_remove(evidence, '$.text')
        where rule = 'complaint' and json_extract(evidence, '$.complaintId') in (select value from json_each(${list}))
          and json_extract(evidence, '$.text') is not null`) as unknown as Write,
    );
  }
  return out;
}
