/**
 * A province for the Workers suite, generated inside local D1 by SQL (recursive CTEs: a few
 * statements, seconds, where writing rows from Node through the binding would take minutes):
 * 10,000 officers in 100 units and 4 peer groups, 100,000 taxpayers with their managing officers,
 * a quarter of workload, assessments and 250,000 feedback responses, and 1,000,000 discretionary
 * decisions over the last 12 months with their review panels. Deterministic for a given day (the
 * Worker's rules look back from today). What the rules find in it is planted the way the bench's
 * generator plants it (scripts/synthetic/bureau.ts), at about the bench province's counts:
 * officers whose assessed turnovers bunch under the threshold, deciders whose panels never voted,
 * amendments recorded weeks late, repeated first-violation waivers, taxpayers kept for years by one
 * officer, and busy officers with enough amounts for the Benford test.
 *
 * Fixture data, written straight into the tables as the bench's generator writes its province;
 * everything the tests check goes through the Worker.
 */

export interface ProvinceSize {
  units: number;
  officers: number;
  taxpayers: number;
  responses: number;
  decisions: number;
}

export const province: ProvinceSize = { units: 100, officers: 10_000, taxpayers: 100_000, responses: 250_000, decisions: 1_000_000 };

/** The quarter before the one `now` is in, e.g. 2026Q3 on 2026-12-06. */
export function lastQuarter(now = new Date()): { code: string; start: string; end: string } {
  let y = now.getUTCFullYear();
  let q = Math.floor(now.getUTCMonth() / 3); // the current quarter, 0-based
  if (q === 0) {
    y -= 1;
    q = 4;
  }
  const start = `${y}-${String((q - 1) * 3 + 1).padStart(2, '0')}-01`;
  const endMonth = q * 3;
  const end = new Date(Date.UTC(y, endMonth, 0)).toISOString().slice(0, 10);
  return { code: `${y}Q${q}`, start, end };
}

/**
 * `h(i, salt)`: a pseudo-random integer in [0, 2^31) from a row number, in SQL (a multiplicative
 * hash; SQLite integers are 64-bit, so the product does not overflow for i < 10^9).
 */
const h = (i: string, salt: number) => `((((${i}) + ${salt}) * 2654435761 + ${salt * 7919 + 13}) % 2147483647)`;
const seq = (n: number) => `with recursive n(i) as (select 0 union all select i + 1 from n where i < ${n - 1})`;
const code = (prefix: string, digits: number, i: string) => `'${prefix}' || printf('%0${digits}d', ${i})`;

/** The statements that fill a migrated, empty database; run them in order. */
export function provinceStatements(size: ProvinceSize = province, now = new Date()): { what: string; sql: string }[] {
  const q = lastQuarter(now);
  const days = Math.round((Date.parse(`${q.end}T00:00:00Z`) - Date.parse(`${q.start}T00:00:00Z`)) / 86_400_000) + 1;
  const officer = (i: string) => code('P', 5, i);
  const unitOf = (i: string) => `(${i}) % ${size.units}`;
  // Busy officers (every 4th) assess twice as many turnovers: enough amounts for Benford's test.
  const deciderIndex = (i: string) => `(case when ${h(i, 1)} % ${size.officers + size.officers / 4} < ${size.officers} then ${h(i, 1)} % ${size.officers + size.officers / 4} else (${h(i, 1)} % ${size.officers + size.officers / 4} - ${size.officers}) * 4 end)`;
  // Benford-distributed amounts: the first digit by its probability log10(1 + 1/d), then the rest.
  const benford = (i: string) => {
    const u = `(${h(i, 11)} % 1000)`;
    const d = `(case when ${u} < 301 then 1 when ${u} < 477 then 2 when ${u} < 602 then 3 when ${u} < 699 then 4 when ${u} < 778 then 5 when ${u} < 845 then 6 when ${u} < 903 then 7 when ${u} < 954 then 8 else 9 end)`;
    const mag = `(case ${h(i, 12)} % 3 when 0 then 1000 when 1 then 10000 else 100000 end)`;
    return `(${d} * ${mag} + ${h(i, 13)} % ${mag})`;
  };
  const type = (i: string) =>
    `(case when ${h(i, 2)} % 100 < 45 then 'assessed_turnover' when ${h(i, 2)} % 100 < 49 then 'penalty_waiver' when ${h(i, 2)} % 100 < 59 then 'tax_relief' when ${h(i, 2)} % 100 < 79 then 'deferral' else 'invoice_quota' end)`;
  const decidedAt = (i: string) => `date('now', '-' || (1 + ${h(i, 3)} % 360) || ' days')`;
  return [
    { what: 'units', sql: `${seq(size.units)} insert into units (code, name, peer_group) select ${code('PU', 3, 'i')}, '分局' || i, case i % 4 when 0 then 'urban' when 1 then 'suburban' when 2 then 'county' else 'development_zone' end from n` },
    {
      what: 'officers',
      // The first officer of each unit supervises the rest; 1% left last year, 1% joined last month.
      sql: `${seq(size.officers)} insert into officers (code, name, unit_code, team, hire_date, position_start_date, leave_date, supervisor_code)
        select ${officer('i')}, '干部' || i, ${code('PU', 3, unitOf('i'))},
               case i % 4 when 0 then 'assessment' when 1 then 'service' when 2 then 'risk_analysis' else 'management' end,
               case when i % 100 = 7 then date('now', '-20 days') else date('2008-01-01', '+' || (${h('i', 4)} % 4000) || ' days') end,
               date('2016-01-01', '+' || (${h('i', 5)} % 3000) || ' days'),
               case when i % 100 = 3 then date('now', '-400 days') end,
               case when i >= ${size.units} then ${officer(unitOf('i'))} end
          from n`,
    },
    { what: 'taxpayers', sql: `${seq(size.taxpayers)} insert into taxpayers (code, name, category) select ${code('PT', 6, 'i')}, '纳税人' || i, case when i % 10 = 0 then 'key' when i % 3 = 0 then 'individual' else 'general' end from n` },
    {
      what: 'assignments',
      // Officers 0, 20, 40, ... have kept their taxpayers since 2021: rotation is due.
      sql: `${seq(size.taxpayers)} insert into assignments (taxpayer_code, officer_code, from_date, to_date)
        select ${code('PT', 6, 'i')}, ${officer(`i % ${size.officers}`)}, case when (i % ${size.officers}) % 20 = 0 then '2021-03-01' else date('now', '-' || (30 + ${h('i', 6)} % 700) || ' days') end, null from n`,
    },
    { what: 'periods', sql: `insert into periods (code, start_date, end_date) values ('${q.code}', '${q.start}', '${q.end}')` },
    { what: 'thresholds', sql: `insert into thresholds (decision_type, valid_from, valid_to, amount) values ('assessed_turnover', '2015-01-01', null, 20000)` },
    {
      what: 'workload',
      sql: `${seq(size.officers * 5)} insert into workload (officer_code, period, kind, count)
        select ${officer(`i / 5`)}, '${q.code}', case i % 5 when 0 then 'key_taxpayer' when 1 then 'general_taxpayer' when 2 then 'tax_assessment_case' when 3 then 'inspection_visit' else 'hotline_ticket' end, ${h('i', 7)} % 60 from n`,
    },
    {
      what: 'assessments',
      sql: `${seq(size.officers * 3)} insert into assessments (officer_code, category, taken_on, raw, max)
        select ${officer(`i / 3`)}, case i % 3 when 0 then 'tax_law' when 1 then 'accounting' else 'service' end, date('${q.start}', '-' || (${h('i', 8)} % 300) || ' days'), 40 + ${h('i', 9)} % 61, 100 from n`,
    },
    {
      what: 'invitations',
      sql: `${seq(size.responses)} insert into invitations (id, token_hash, officer_code, taxpayer_code, interaction_ref, created_by, created_at, expires_at, used_at, sample_id)
        select ${code('pinv_', 7, 'i')}, ${code('ph', 7, 'i')}, ${officer(`i % ${size.officers}`)}, ${code('PT', 6, `i % ${size.taxpayers}`)}, ${code('pref', 7, 'i')}, 'usr_province',
               strftime('%Y-%m-%dT%H:%M:%fZ', '${q.start}', '+' || (${h('i', 10)} % ${days * 86400}) || ' seconds'), '2099-01-01T00:00:00.000Z',
               strftime('%Y-%m-%dT%H:%M:%fZ', '${q.start}', '+' || (${h('i', 10)} % ${days * 86400} + 600) || ' seconds'), null from n`,
    },
    {
      what: 'feedback_responses',
      sql: `insert into feedback_responses (id, invitation_id, officer_code, period, submitted_at, professionalism, attitude, efficiency, integrity, mean, status)
        select 'prsp_' || substr(v.id, 6), v.id, v.officer_code, '${q.code}', v.used_at, v.a, v.b, v.c, v.d, (v.a + v.b + v.c + v.d) / 4.0, 'accepted'
          from (select id, officer_code, used_at, 2 + rowid % 4 as a, 3 + rowid % 3 as b, 1 + rowid % 5 as c, 4 + rowid % 2 as d from invitations where created_by = 'usr_province') v`,
    },
    {
      what: 'decisions',
      sql: `${seq(size.decisions)} insert into decisions (id, type, decider_user_id, decider_code, subject_officer_code, taxpayer_code, amount, threshold, justification, decided_at, recorded_at, violation_type, amends, amend_reason, audit_index)
        select ${code('pdec_', 7, 'i')}, t, 'usr_gen_' || o, o, null, ${code('PT', 6, `i % ${size.taxpayers}`)},
               case when t = 'penalty_waiver' or t = 'deferral' then null else ${benford('i')} end,
               case when t = 'assessed_turnover' then 20000 end, '批量生成', d, d || 'T09:00:00.000Z',
               case when t = 'penalty_waiver' then 'vt' || (${h('i', 14)} % 5) end, null, null, null
          from (select i, t, case when t = 'assessed_turnover' then ${officer(deciderIndex('i'))} else ${officer(`${h('i', 1)} % ${size.officers}`)} end as o, d
                  from (select i, ${type('i')} as t, ${decidedAt('i')} as d from n))`,
    },
    {
      what: 'bunched decisions',
      // Every 67th officer: eight assessed turnovers just under 20,000 (about 150 officers).
      sql: `${seq(Math.ceil(size.officers / 67) * 8)} insert into decisions (id, type, decider_user_id, decider_code, taxpayer_code, amount, threshold, justification, decided_at, recorded_at)
        select ${code('pbun_', 6, 'i')}, 'assessed_turnover', 'usr_gen_' || ${officer('(i / 8) * 67')}, ${officer('(i / 8) * 67')}, ${code('PT', 6, `i % ${size.taxpayers}`)},
               18200 + (i % 8) * 220, 20000, '批量生成', date('now', '-' || (5 + i % 200) || ' days'), date('now', '-' || (5 + i % 200) || ' days') || 'T09:00:00.000Z' from n`,
    },
    {
      what: 'late amendments',
      // 2,000 amendments recorded 45 days after the decision they amend.
      sql: `insert into decisions (id, type, decider_user_id, decider_code, taxpayer_code, amount, threshold, justification, decided_at, recorded_at, violation_type, amends, amend_reason)
        select 'pamd_' || substr(d.id, 6), d.type, d.decider_user_id, d.decider_code, d.taxpayer_code, case when d.amount is not null then d.amount * 0.9 end, d.threshold, '更正',
               d.decided_at, strftime('%Y-%m-%dT%H:%M:%fZ', d.decided_at, '+45 days', '+9 hours'), d.violation_type, d.id, '补正'
          from decisions d where d.id in (select ${code('pdec_', 7, `i * ${Math.floor(size.decisions / 2500)}`)} from (${seq(2500)} select i from n))
           and d.decided_at < date('now', '-50 days')
         limit 2000`,
    },
    {
      what: 'review panels',
      // Collective decisions: three reviewers of the decider's unit, drawn per decision.
      sql: `insert into decision_reviewers (decision_id, officer_code, vote, investigated)
        select d.id, 'P' || printf('%05d', ((cast(substr(d.decider_code, 2) as integer) / ${size.units} + 1 + (d.rowid * 7 + k.k * 13) % ${size.officers / size.units - 1}) % ${size.officers / size.units}) * ${size.units} + cast(substr(d.decider_code, 2) as integer) % ${size.units}),
               'approve', 0
          from decisions d, (select 0 as k union all select 1 union all select 2) k
         where d.type in ('assessed_turnover', 'tax_relief') and d.amends is null
        on conflict do nothing`,
    },
    {
      what: 'panel votes',
      // The members' own votes (decision_votes), as the service takes them; the deciders of every
      // 71st officer (about 140) had panels that never voted: sole_decider finds them.
      sql: `insert into decision_votes (decision_id, officer_code, vote, reason, user_id, cast_at)
        select s.decision_id, s.officer_code, 'approve', '同意', 'usr_gen_' || s.officer_code, d.recorded_at
          from decision_reviewers s join decisions d on d.id = s.decision_id
         where cast(substr(d.decider_code, 2) as integer) % 71 <> 0`,
    },
  ];
}
