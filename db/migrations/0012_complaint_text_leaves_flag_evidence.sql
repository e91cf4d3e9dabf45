-- Hand-written (issue 12): a complaint flag's evidence names the complaint, never its words. Flags
-- raised before this kept the text in their evidence; the complaint record still holds it (the
-- reviewer reads it there), so it leaves the evidence now. The audit leaves of those flags are
-- not rewritten (the log is append-only); docs/audit.md says what older leaves hold.
UPDATE flags SET evidence = json_remove(evidence, '$.text')
 WHERE rule = 'complaint' AND json_extract(evidence, '$.text') IS NOT NULL;
