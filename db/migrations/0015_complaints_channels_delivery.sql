-- Generated, then edited (issue 15): the rebuild copies the columns complaints had before; the new
-- ones take their defaults (channel 'form', category 'other', status 'received'), and received_at
-- is backfilled from created_at below.
CREATE TABLE `delivery_outbox` (
	`id` text PRIMARY KEY NOT NULL,
	`invitation_id` text NOT NULL,
	`kind` text NOT NULL,
	`due_at` text NOT NULL,
	`status` text NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`next_attempt_at` text NOT NULL,
	`last_error` text,
	`done_at` text,
	FOREIGN KEY (`invitation_id`) REFERENCES `delivery_targets`(`invitation_id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `outbox_due` ON `delivery_outbox` (`status`,`next_attempt_at`);--> statement-breakpoint
CREATE INDEX `outbox_invitation` ON `delivery_outbox` (`invitation_id`);--> statement-breakpoint
CREATE TABLE `delivery_targets` (
	`invitation_id` text PRIMARY KEY NOT NULL,
	`channel` text NOT NULL,
	`lang` text NOT NULL,
	`sealed` text,
	`created_at` text NOT NULL,
	`erased_at` text,
	FOREIGN KEY (`invitation_id`) REFERENCES `invitations`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
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
	`status` text DEFAULT 'received' NOT NULL,
	`outcome` text,
	`updated_at` text,
	`closed_by` text,
	`flag_id` text,
	`commitment_nonce` text,
	`text_erased_at` text,
	FOREIGN KEY (`response_id`) REFERENCES `feedback_responses`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`officer_code`) REFERENCES `officers`(`code`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`unit_code`) REFERENCES `units`(`code`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`taxpayer_code`) REFERENCES `taxpayers`(`code`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
INSERT INTO `__new_complaints`("id", "response_id", "officer_code", "text", "created_at", "flag_id", "commitment_nonce", "text_erased_at") SELECT "id", "response_id", "officer_code", "text", "created_at", "flag_id", "commitment_nonce", "text_erased_at" FROM `complaints`;--> statement-breakpoint
DROP TABLE `complaints`;--> statement-breakpoint
ALTER TABLE `__new_complaints` RENAME TO `complaints`;--> statement-breakpoint
PRAGMA foreign_keys=ON;--> statement-breakpoint
CREATE UNIQUE INDEX `complaints_source_ref_unique` ON `complaints` (`source_ref`);--> statement-breakpoint
CREATE UNIQUE INDEX `complaints_receipt_hash_unique` ON `complaints` (`receipt_hash`);--> statement-breakpoint
CREATE INDEX `complaints_officer` ON `complaints` (`officer_code`);--> statement-breakpoint
CREATE INDEX `complaints_received` ON `complaints` (`received_at`);--> statement-breakpoint
CREATE INDEX `complaints_flag` ON `complaints` (`flag_id`);--> statement-breakpoint
CREATE INDEX `complaints_created` ON `complaints` (`created_at`);--> statement-breakpoint
ALTER TABLE `feedback_responses` ADD `channel` text DEFAULT 'form' NOT NULL;--> statement-breakpoint
ALTER TABLE `feedback_responses` ADD `entered_by` text;--> statement-breakpoint
CREATE INDEX `invitations_created` ON `invitations` (`created_at`);--> statement-breakpoint
UPDATE `complaints` SET `received_at` = `created_at` WHERE `received_at` IS NULL;
