PRAGMA foreign_keys=OFF;--> statement-breakpoint
CREATE TABLE `__new_complaints` (
	`id` text PRIMARY KEY NOT NULL,
	`channel` text DEFAULT 'form' NOT NULL,
	`category` text DEFAULT 'other' NOT NULL,
	`response_id` text,
	`officer_code` text,
	`unit_code` text,
	`taxpayer_code` text,
	`text` text NOT NULL,
	`source_ref` text,
	`received_at` text,
	`created_at` text NOT NULL,
	`created_by` text,
	`receipt_hash` text,
	`commitment_nonce` text,
	`status` text DEFAULT 'received' NOT NULL,
	`outcome` text,
	`updated_at` text,
	`closed_by` text,
	`flag_id` text,
	FOREIGN KEY (`response_id`) REFERENCES `feedback_responses`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`officer_code`) REFERENCES `officers`(`code`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`unit_code`) REFERENCES `units`(`code`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`taxpayer_code`) REFERENCES `taxpayers`(`code`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
INSERT INTO `__new_complaints`("id", "channel", "category", "response_id", "officer_code", "unit_code", "taxpayer_code", "text", "source_ref", "received_at", "created_at", "created_by", "receipt_hash", "commitment_nonce", "status", "outcome", "updated_at", "closed_by", "flag_id") SELECT "id", "channel", "category", "response_id", "officer_code", "unit_code", "taxpayer_code", "text", "source_ref", "received_at", "created_at", "created_by", "receipt_hash", "commitment_nonce", "status", "outcome", "updated_at", "closed_by", "flag_id" FROM `complaints`;--> statement-breakpoint
DROP TABLE `complaints`;--> statement-breakpoint
ALTER TABLE `__new_complaints` RENAME TO `complaints`;--> statement-breakpoint
PRAGMA foreign_keys=ON;--> statement-breakpoint
CREATE UNIQUE INDEX `complaints_source_ref_unique` ON `complaints` (`source_ref`);--> statement-breakpoint
CREATE UNIQUE INDEX `complaints_receipt_hash_unique` ON `complaints` (`receipt_hash`);--> statement-breakpoint
CREATE INDEX `complaints_officer` ON `complaints` (`officer_code`);--> statement-breakpoint
CREATE INDEX `complaints_received` ON `complaints` (`received_at`);--> statement-breakpoint
CREATE INDEX `complaints_flag` ON `complaints` (`flag_id`);