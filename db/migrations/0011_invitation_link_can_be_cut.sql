PRAGMA defer_foreign_keys = on;--> statement-breakpoint
PRAGMA foreign_keys=OFF;--> statement-breakpoint
CREATE TABLE `__new_invitations` (
	`id` text PRIMARY KEY NOT NULL,
	`token_hash` text NOT NULL,
	`officer_code` text NOT NULL,
	`taxpayer_code` text,
	`interaction_ref` text NOT NULL,
	`created_by` text NOT NULL,
	`created_at` text NOT NULL,
	`expires_at` text NOT NULL,
	`used_at` text,
	`sample_id` text,
	`commitment_nonce` text,
	`link_cut_at` text,
	FOREIGN KEY (`officer_code`) REFERENCES `officers`(`code`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`taxpayer_code`) REFERENCES `taxpayers`(`code`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
INSERT INTO `__new_invitations`("id", "token_hash", "officer_code", "taxpayer_code", "interaction_ref", "created_by", "created_at", "expires_at", "used_at", "sample_id", "commitment_nonce", "link_cut_at") SELECT "id", "token_hash", "officer_code", "taxpayer_code", "interaction_ref", "created_by", "created_at", "expires_at", "used_at", "sample_id", "commitment_nonce", "link_cut_at" FROM `invitations`;--> statement-breakpoint
DROP TABLE `invitations`;--> statement-breakpoint
ALTER TABLE `__new_invitations` RENAME TO `invitations`;--> statement-breakpoint
PRAGMA foreign_keys=ON;--> statement-breakpoint
CREATE UNIQUE INDEX `invitations_token_hash_unique` ON `invitations` (`token_hash`);--> statement-breakpoint
CREATE UNIQUE INDEX `invitations_interaction_ref_unique` ON `invitations` (`interaction_ref`);--> statement-breakpoint
CREATE INDEX `invitations_officer` ON `invitations` (`officer_code`);--> statement-breakpoint
CREATE INDEX `invitations_taxpayer` ON `invitations` (`taxpayer_code`);--> statement-breakpoint
PRAGMA defer_foreign_keys = off;