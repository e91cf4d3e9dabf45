-- Hand-written (issue 13): a vote is a seated panel member's own, cast once and never changed.
-- The oversight rules count decision_votes as member votes without re-checking the seat.
CREATE TRIGGER decision_votes_members BEFORE INSERT ON decision_votes
WHEN NOT EXISTS (SELECT 1 FROM decision_reviewers s WHERE s.decision_id = NEW.decision_id AND s.officer_code = NEW.officer_code)
BEGIN
  SELECT RAISE(ABORT, 'decision_votes: only a member of the panel votes');
END;
--> statement-breakpoint
CREATE TRIGGER decision_votes_no_update BEFORE UPDATE ON decision_votes
BEGIN
  SELECT RAISE(ABORT, 'decision_votes is append-only');
END;
--> statement-breakpoint
CREATE TRIGGER decision_votes_no_delete BEFORE DELETE ON decision_votes
BEGIN
  SELECT RAISE(ABORT, 'decision_votes is append-only');
END;
