CREATE TABLE `decision_investigators` (
	`decision_id` text NOT NULL,
	`officer_code` text NOT NULL,
	PRIMARY KEY(`decision_id`, `officer_code`),
	FOREIGN KEY (`decision_id`) REFERENCES `decisions`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`officer_code`) REFERENCES `officers`(`code`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `decision_reviews` (
	`decision_id` text PRIMARY KEY NOT NULL,
	`status` text NOT NULL,
	`panel_size` integer NOT NULL,
	`quorum` integer NOT NULL,
	`approvals` integer DEFAULT 0 NOT NULL,
	`rejections` integer DEFAULT 0 NOT NULL,
	`draw` text NOT NULL,
	`opened_at` text NOT NULL,
	`due_at` text NOT NULL,
	`closed_at` text,
	`decided_amount` real,
	FOREIGN KEY (`decision_id`) REFERENCES `decisions`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `decision_reviews_status` ON `decision_reviews` (`status`,`due_at`);--> statement-breakpoint
CREATE TABLE `decision_votes` (
	`decision_id` text NOT NULL,
	`officer_code` text NOT NULL,
	`vote` text NOT NULL,
	`reason` text NOT NULL,
	`user_id` text NOT NULL,
	`cast_at` text NOT NULL,
	PRIMARY KEY(`decision_id`, `officer_code`),
	FOREIGN KEY (`decision_id`) REFERENCES `decisions`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`officer_code`) REFERENCES `officers`(`code`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `decision_votes_officer` ON `decision_votes` (`officer_code`);--> statement-breakpoint
CREATE TABLE `flag_answers` (
	`flag_id` text PRIMARY KEY NOT NULL,
	`text` text NOT NULL,
	`nonce` text NOT NULL,
	`answered_by` text NOT NULL,
	`answered_at` text NOT NULL,
	FOREIGN KEY (`flag_id`) REFERENCES `flags`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `flag_escalations` (
	`flag_id` text NOT NULL,
	`level` integer NOT NULL,
	`escalated_by` text NOT NULL,
	`reason` text NOT NULL,
	`at` text NOT NULL,
	`draw` text NOT NULL,
	PRIMARY KEY(`flag_id`, `level`),
	FOREIGN KEY (`flag_id`) REFERENCES `flags`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `flag_notices` (
	`flag_id` text PRIMARY KEY NOT NULL,
	`told_at` text NOT NULL,
	`answer_due_at` text NOT NULL,
	FOREIGN KEY (`flag_id`) REFERENCES `flags`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `public_summaries` (
	`period` text NOT NULL,
	`version` integer NOT NULL,
	`figures` text NOT NULL,
	`digest` text NOT NULL,
	`audit_index` integer NOT NULL,
	`published_by` text NOT NULL,
	`published_at` text NOT NULL,
	PRIMARY KEY(`period`, `version`)
);
--> statement-breakpoint
CREATE TABLE `spot_check_items` (
	`spot_check_id` text NOT NULL,
	`decision_id` text NOT NULL,
	`stratum` text NOT NULL,
	`reviewer_user_id` text,
	`outcome` text,
	`note` text,
	`recorded_by` text,
	`recorded_at` text,
	`flag_id` text,
	PRIMARY KEY(`spot_check_id`, `decision_id`),
	FOREIGN KEY (`spot_check_id`) REFERENCES `spot_checks`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`decision_id`) REFERENCES `decisions`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `spot_check_items_reviewer` ON `spot_check_items` (`reviewer_user_id`,`outcome`);--> statement-breakpoint
CREATE TABLE `spot_checks` (
	`id` text PRIMARY KEY NOT NULL,
	`period` text NOT NULL,
	`seed` text NOT NULL,
	`draw` text NOT NULL,
	`created_by` text NOT NULL,
	`created_at` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `spot_checks_period_unique` ON `spot_checks` (`period`);--> statement-breakpoint
ALTER TABLE `flag_transitions` ADD `early_reason` text;