CREATE TABLE `erasure_requests` (
	`id` text PRIMARY KEY NOT NULL,
	`requested_by` text NOT NULL,
	`requested_at` text NOT NULL,
	`reason` text NOT NULL,
	`erased` text NOT NULL,
	`nonce` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `import_commitments` (
	`import_id` text NOT NULL,
	`kind` text NOT NULL,
	`nonce` text NOT NULL,
	PRIMARY KEY(`import_id`, `kind`)
);
--> statement-breakpoint
ALTER TABLE `complaints` ADD `commitment_nonce` text;--> statement-breakpoint
ALTER TABLE `complaints` ADD `text_erased_at` text;--> statement-breakpoint
CREATE INDEX `complaints_created` ON `complaints` (`created_at`);--> statement-breakpoint
ALTER TABLE `decisions` ADD `taxpayer_nonce` text;--> statement-breakpoint
ALTER TABLE `feedback_responses` ADD `text_erased_at` text;--> statement-breakpoint
ALTER TABLE `flags` ADD `evidence_nonce` text;--> statement-breakpoint
ALTER TABLE `invitations` ADD `commitment_nonce` text;--> statement-breakpoint
ALTER TABLE `invitations` ADD `link_cut_at` text;--> statement-breakpoint
CREATE INDEX `invitations_taxpayer` ON `invitations` (`taxpayer_code`);--> statement-breakpoint
ALTER TABLE `return_visit_samples` ADD `commitment_nonce` text;--> statement-breakpoint
ALTER TABLE `taxpayers` ADD `erased_at` text;