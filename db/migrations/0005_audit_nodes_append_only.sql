-- audit_nodes is a cache derived from audit_entries, but its values are deterministic: a node is
-- written once (INSERT OR IGNORE) and never needs to change, so changing one is refused too.
CREATE TRIGGER audit_nodes_no_update BEFORE UPDATE ON audit_nodes
BEGIN
  SELECT RAISE(ABORT, 'audit_nodes is append-only');
END;
--> statement-breakpoint
CREATE TRIGGER audit_nodes_no_delete BEFORE DELETE ON audit_nodes
BEGIN
  SELECT RAISE(ABORT, 'audit_nodes is append-only');
END;
