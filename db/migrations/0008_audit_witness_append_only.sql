-- Witness cosignatures and the checkpoints of a rewound history are evidence, like the log itself:
-- once written they never change and are never removed (docs/adr/0036, 0037).
CREATE TRIGGER audit_cosignatures_no_update BEFORE UPDATE ON audit_cosignatures
BEGIN
  SELECT RAISE(ABORT, 'audit_cosignatures is append-only');
END;
--> statement-breakpoint
CREATE TRIGGER audit_cosignatures_no_delete BEFORE DELETE ON audit_cosignatures
BEGIN
  SELECT RAISE(ABORT, 'audit_cosignatures is append-only');
END;
--> statement-breakpoint
CREATE TRIGGER audit_rewound_checkpoints_no_update BEFORE UPDATE ON audit_rewound_checkpoints
BEGIN
  SELECT RAISE(ABORT, 'audit_rewound_checkpoints is append-only');
END;
--> statement-breakpoint
CREATE TRIGGER audit_rewound_checkpoints_no_delete BEFORE DELETE ON audit_rewound_checkpoints
BEGIN
  SELECT RAISE(ABORT, 'audit_rewound_checkpoints is append-only');
END;
