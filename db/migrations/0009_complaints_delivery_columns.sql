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
ALTER TABLE `complaints` ADD `channel` text DEFAULT 'form' NOT NULL;--> statement-breakpoint
ALTER TABLE `complaints` ADD `category` text DEFAULT 'other' NOT NULL;--> statement-breakpoint
ALTER TABLE `complaints` ADD `unit_code` text REFERENCES units(code);--> statement-breakpoint
ALTER TABLE `complaints` ADD `taxpayer_code` text REFERENCES taxpayers(code);--> statement-breakpoint
ALTER TABLE `complaints` ADD `source_ref` text;--> statement-breakpoint
ALTER TABLE `complaints` ADD `received_at` text;--> statement-breakpoint
ALTER TABLE `complaints` ADD `created_by` text;--> statement-breakpoint
ALTER TABLE `complaints` ADD `receipt_hash` text;--> statement-breakpoint
ALTER TABLE `complaints` ADD `commitment_nonce` text;--> statement-breakpoint
ALTER TABLE `complaints` ADD `status` text DEFAULT 'received' NOT NULL;--> statement-breakpoint
ALTER TABLE `complaints` ADD `outcome` text;--> statement-breakpoint
ALTER TABLE `complaints` ADD `updated_at` text;--> statement-breakpoint
ALTER TABLE `complaints` ADD `closed_by` text;--> statement-breakpoint
CREATE UNIQUE INDEX `complaints_source_ref_unique` ON `complaints` (`source_ref`);--> statement-breakpoint
CREATE UNIQUE INDEX `complaints_receipt_hash_unique` ON `complaints` (`receipt_hash`);--> statement-breakpoint
CREATE INDEX `complaints_received` ON `complaints` (`received_at`);--> statement-breakpoint
CREATE INDEX `complaints_flag` ON `complaints` (`flag_id`);--> statement-breakpoint
ALTER TABLE `feedback_responses` ADD `channel` text DEFAULT 'form' NOT NULL;--> statement-breakpoint
ALTER TABLE `feedback_responses` ADD `entered_by` text;--> statement-breakpoint
CREATE INDEX `invitations_created` ON `invitations` (`created_at`);