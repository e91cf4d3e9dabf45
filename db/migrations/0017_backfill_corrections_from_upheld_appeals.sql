-- Hand-written (issue 14). Appeals upheld before corrections existed become correction records,
-- so that every payroll figure shows the effective tier for them too. Every such run was graded
-- under a policy without proration (v1), whose payout is round(baseAllowance * coefficient * 100)
-- / 100: the same IEEE product in the same order as scoring/components.ts payoutOf computes, and
-- SQLite's round() rounds halves away from zero as Math.round does for positive amounts. The
-- appeal's own audit entry (appeal.uphold, with its corrected tier) is the audit record of these.
INSERT INTO `corrections` (`id`, `run_id`, `officer_code`, `source`, `source_id`, `decision_id`, `from_tier`, `to_tier`, `coefficient`, `payout`, `original_payout`, `reason`, `created_by`, `created_at`)
SELECT 'cor_' || a.`id`, a.`run_id`, a.`officer_code`, 'appeal', a.`id`,
       (SELECT d.`id` FROM `decisions` d
         WHERE d.`type` = 'grade_adjustment' AND d.`subject_officer_code` = a.`officer_code`
           AND d.`justification` LIKE 'Appeal ' || a.`id` || ' upheld%' LIMIT 1),
       r.`tier`, a.`corrected_tier`, c.`coefficient`,
       round(json_extract(p.`document`, '$.baseAllowance') * c.`coefficient` * 100) / 100.0,
       r.`payout`, coalesce(a.`decision_reason`, ''), a.`decided_by`, a.`decided_at`
FROM `appeals` a
JOIN `grading_results` r ON r.`run_id` = a.`run_id` AND r.`officer_code` = a.`officer_code`
JOIN `grading_runs` g ON g.`id` = a.`run_id`
JOIN `policies` p ON p.`hash` = g.`policy_hash`
JOIN (SELECT p2.`hash` AS `hash`, json_extract(t.`value`, '$.level') AS `level`, json_extract(t.`value`, '$.coefficient') AS `coefficient`
        FROM `policies` p2, json_each(p2.`document`, '$.tiers') t) c
  ON c.`hash` = p.`hash` AND c.`level` = a.`corrected_tier`
WHERE a.`status` = 'upheld' AND a.`corrected_tier` IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM `corrections` x WHERE x.`source` = 'appeal' AND x.`source_id` = a.`id`);
