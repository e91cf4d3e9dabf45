CREATE TABLE `policy_proposals` (
	`id` text PRIMARY KEY NOT NULL,
	`policy_hash` text NOT NULL,
	`effective_from` text NOT NULL,
	`reason` text NOT NULL,
	`proposed_by` text NOT NULL,
	`proposed_at` text NOT NULL,
	`status` text NOT NULL,
	`decided_by` text,
	`decided_at` text,
	`decision_reason` text,
	FOREIGN KEY (`policy_hash`) REFERENCES `policies`(`hash`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `policy_proposals_one_open` ON `policy_proposals` (`policy_hash`) WHERE status = 'proposed';--> statement-breakpoint
CREATE INDEX `policy_proposals_in_effect` ON `policy_proposals` (`status`,`effective_from`);