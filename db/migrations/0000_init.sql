CREATE TABLE `adjustments` (
	`id` text PRIMARY KEY NOT NULL,
	`run_id` text NOT NULL,
	`officer_code` text NOT NULL,
	`from_tier` integer NOT NULL,
	`to_tier` integer NOT NULL,
	`reason` text NOT NULL,
	`requested_by` text NOT NULL,
	`requested_at` text NOT NULL,
	`status` text NOT NULL,
	`decided_by` text,
	`decided_at` text,
	`decision_reason` text,
	`decision_id` text,
	FOREIGN KEY (`run_id`) REFERENCES `grading_runs`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`officer_code`) REFERENCES `officers`(`code`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `adjustments_run` ON `adjustments` (`run_id`,`status`);--> statement-breakpoint
CREATE TABLE `appeals` (
	`id` text PRIMARY KEY NOT NULL,
	`run_id` text NOT NULL,
	`officer_code` text NOT NULL,
	`reason` text NOT NULL,
	`filed_by` text NOT NULL,
	`filed_at` text NOT NULL,
	`status` text NOT NULL,
	`decided_by` text,
	`decided_at` text,
	`outcome` text,
	FOREIGN KEY (`run_id`) REFERENCES `grading_runs`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`officer_code`) REFERENCES `officers`(`code`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `appeals_run` ON `appeals` (`run_id`,`status`);--> statement-breakpoint
CREATE TABLE `assessments` (
	`officer_code` text NOT NULL,
	`category` text NOT NULL,
	`taken_on` text NOT NULL,
	`raw` real NOT NULL,
	`max` real NOT NULL,
	PRIMARY KEY(`officer_code`, `category`, `taken_on`),
	FOREIGN KEY (`officer_code`) REFERENCES `officers`(`code`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `assignments` (
	`taxpayer_code` text NOT NULL,
	`officer_code` text NOT NULL,
	`from_date` text NOT NULL,
	`to_date` text,
	PRIMARY KEY(`taxpayer_code`, `from_date`),
	FOREIGN KEY (`taxpayer_code`) REFERENCES `taxpayers`(`code`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`officer_code`) REFERENCES `officers`(`code`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `assignments_officer` ON `assignments` (`officer_code`,`from_date`);--> statement-breakpoint
CREATE UNIQUE INDEX `assignments_one_open` ON `assignments` (`taxpayer_code`) WHERE to_date is null;--> statement-breakpoint
CREATE TABLE `audit_checkpoints` (
	`size` integer PRIMARY KEY NOT NULL,
	`root_hash` text NOT NULL,
	`at` text NOT NULL,
	`text` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `audit_entries` (
	`seq` integer PRIMARY KEY NOT NULL,
	`at` text NOT NULL,
	`actor` text NOT NULL,
	`action` text NOT NULL,
	`entity` text NOT NULL,
	`entity_id` text NOT NULL,
	`leaf` text NOT NULL,
	`leaf_hash` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `audit_entity` ON `audit_entries` (`entity`,`entity_id`);--> statement-breakpoint
CREATE TABLE `complaints` (
	`id` text PRIMARY KEY NOT NULL,
	`response_id` text NOT NULL,
	`officer_code` text NOT NULL,
	`text` text NOT NULL,
	`created_at` text NOT NULL,
	`flag_id` text,
	FOREIGN KEY (`response_id`) REFERENCES `feedback_responses`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`officer_code`) REFERENCES `officers`(`code`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `complaints_officer` ON `complaints` (`officer_code`);--> statement-breakpoint
CREATE TABLE `decision_reviewers` (
	`decision_id` text NOT NULL,
	`officer_code` text NOT NULL,
	`vote` text,
	`investigated` integer DEFAULT false NOT NULL,
	PRIMARY KEY(`decision_id`, `officer_code`),
	FOREIGN KEY (`decision_id`) REFERENCES `decisions`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`officer_code`) REFERENCES `officers`(`code`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `reviewers_officer` ON `decision_reviewers` (`officer_code`);--> statement-breakpoint
CREATE TABLE `decisions` (
	`id` text PRIMARY KEY NOT NULL,
	`type` text NOT NULL,
	`decider_user_id` text NOT NULL,
	`decider_code` text,
	`subject_officer_code` text,
	`taxpayer_code` text,
	`amount` real,
	`threshold` real,
	`justification` text NOT NULL,
	`decided_at` text NOT NULL,
	`recorded_at` text NOT NULL,
	`violation_type` text,
	`amends` text,
	`amend_reason` text,
	`audit_index` integer,
	FOREIGN KEY (`decider_code`) REFERENCES `officers`(`code`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`subject_officer_code`) REFERENCES `officers`(`code`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`taxpayer_code`) REFERENCES `taxpayers`(`code`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `decisions_decider_time` ON `decisions` (`decider_code`,`decided_at`);--> statement-breakpoint
CREATE INDEX `decisions_type_time` ON `decisions` (`type`,`decided_at`);--> statement-breakpoint
CREATE INDEX `decisions_taxpayer` ON `decisions` (`taxpayer_code`,`type`);--> statement-breakpoint
CREATE INDEX `decisions_amends` ON `decisions` (`amends`);--> statement-breakpoint
CREATE TABLE `feedback_responses` (
	`id` text PRIMARY KEY NOT NULL,
	`invitation_id` text NOT NULL,
	`officer_code` text NOT NULL,
	`period` text NOT NULL,
	`submitted_at` text NOT NULL,
	`professionalism` integer NOT NULL,
	`attitude` integer NOT NULL,
	`efficiency` integer NOT NULL,
	`integrity` integer NOT NULL,
	`mean` real NOT NULL,
	`comment` text,
	`complaint` text,
	`status` text DEFAULT 'accepted' NOT NULL,
	`void_reason` text,
	`voided_by` text,
	`voided_at` text,
	`audit_index` integer,
	FOREIGN KEY (`invitation_id`) REFERENCES `invitations`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`officer_code`) REFERENCES `officers`(`code`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `feedback_responses_invitation_id_unique` ON `feedback_responses` (`invitation_id`);--> statement-breakpoint
CREATE INDEX `responses_period_officer` ON `feedback_responses` (`period`,`officer_code`,`status`);--> statement-breakpoint
CREATE INDEX `responses_officer_time` ON `feedback_responses` (`officer_code`,`submitted_at`);--> statement-breakpoint
CREATE TABLE `flag_transitions` (
	`id` text PRIMARY KEY NOT NULL,
	`flag_id` text NOT NULL,
	`from_status` text,
	`to_status` text NOT NULL,
	`outcome` text,
	`reason` text NOT NULL,
	`actor` text NOT NULL,
	`at` text NOT NULL,
	FOREIGN KEY (`flag_id`) REFERENCES `flags`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `flag_transitions_flag` ON `flag_transitions` (`flag_id`,`at`);--> statement-breakpoint
CREATE TABLE `flags` (
	`id` text PRIMARY KEY NOT NULL,
	`rule` text NOT NULL,
	`subject_code` text NOT NULL,
	`condition_key` text NOT NULL,
	`evidence` text NOT NULL,
	`severity` text NOT NULL,
	`status` text NOT NULL,
	`outcome` text,
	`reviewer_user_id` text,
	`draw` text,
	`raised_at` text NOT NULL,
	`updated_at` text NOT NULL,
	`closed_at` text,
	FOREIGN KEY (`subject_code`) REFERENCES `officers`(`code`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `flags_condition` ON `flags` (`rule`,`condition_key`);--> statement-breakpoint
CREATE INDEX `flags_status` ON `flags` (`status`,`raised_at`);--> statement-breakpoint
CREATE INDEX `flags_subject` ON `flags` (`subject_code`,`closed_at`);--> statement-breakpoint
CREATE TABLE `grading_results` (
	`run_id` text NOT NULL,
	`officer_code` text NOT NULL,
	`status` text NOT NULL,
	`composite` real,
	`workload` real,
	`assessment` real,
	`feedback` real,
	`tenure` real,
	`penalty` real,
	`rank` integer,
	`tier` integer,
	`coefficient` real,
	`payout` real,
	`detail` text NOT NULL,
	PRIMARY KEY(`run_id`, `officer_code`),
	FOREIGN KEY (`run_id`) REFERENCES `grading_runs`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`officer_code`) REFERENCES `officers`(`code`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `grading_runs` (
	`id` text PRIMARY KEY NOT NULL,
	`period` text NOT NULL,
	`policy_hash` text NOT NULL,
	`input_digest` text NOT NULL,
	`status` text NOT NULL,
	`what_if` integer DEFAULT false NOT NULL,
	`created_by` text NOT NULL,
	`created_at` text NOT NULL,
	`published_by` text,
	`published_at` text,
	FOREIGN KEY (`policy_hash`) REFERENCES `policies`(`hash`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `runs_period` ON `grading_runs` (`period`,`created_at`);--> statement-breakpoint
CREATE TABLE `idempotency_keys` (
	`scope` text NOT NULL,
	`key` text NOT NULL,
	`request_hash` text NOT NULL,
	`status` integer NOT NULL,
	`content_type` text NOT NULL,
	`body` text NOT NULL,
	`created_at` text NOT NULL,
	PRIMARY KEY(`scope`, `key`)
);
--> statement-breakpoint
CREATE TABLE `invitations` (
	`id` text PRIMARY KEY NOT NULL,
	`token_hash` text NOT NULL,
	`officer_code` text NOT NULL,
	`taxpayer_code` text NOT NULL,
	`interaction_ref` text NOT NULL,
	`created_by` text NOT NULL,
	`created_at` text NOT NULL,
	`expires_at` text NOT NULL,
	`used_at` text,
	`sample_id` text,
	FOREIGN KEY (`officer_code`) REFERENCES `officers`(`code`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`taxpayer_code`) REFERENCES `taxpayers`(`code`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `invitations_token_hash_unique` ON `invitations` (`token_hash`);--> statement-breakpoint
CREATE UNIQUE INDEX `invitations_interaction_ref_unique` ON `invitations` (`interaction_ref`);--> statement-breakpoint
CREATE INDEX `invitations_officer` ON `invitations` (`officer_code`);--> statement-breakpoint
CREATE TABLE `officers` (
	`code` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`unit_code` text NOT NULL,
	`team` text NOT NULL,
	`hire_date` text NOT NULL,
	`position_start_date` text NOT NULL,
	`leave_date` text,
	`supervisor_code` text,
	FOREIGN KEY (`unit_code`) REFERENCES `units`(`code`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `officers_unit` ON `officers` (`unit_code`);--> statement-breakpoint
CREATE INDEX `officers_supervisor` ON `officers` (`supervisor_code`);--> statement-breakpoint
CREATE TABLE `periods` (
	`code` text PRIMARY KEY NOT NULL,
	`start_date` text NOT NULL,
	`end_date` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `policies` (
	`hash` text PRIMARY KEY NOT NULL,
	`version` text NOT NULL,
	`document` text NOT NULL,
	`created_at` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `rate_limits` (
	`key` text NOT NULL,
	`window_start` text NOT NULL,
	`count` integer NOT NULL,
	PRIMARY KEY(`key`, `window_start`)
);
--> statement-breakpoint
CREATE TABLE `return_visit_samples` (
	`id` text PRIMARY KEY NOT NULL,
	`period` text NOT NULL,
	`per_officer` integer NOT NULL,
	`seed` text NOT NULL,
	`created_by` text NOT NULL,
	`created_at` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `sessions` (
	`hash` text PRIMARY KEY NOT NULL,
	`token_id` text NOT NULL,
	`created_at` text NOT NULL,
	`expires_at` text NOT NULL,
	FOREIGN KEY (`token_id`) REFERENCES `tokens`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `taxpayers` (
	`code` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`category` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `thresholds` (
	`decision_type` text NOT NULL,
	`valid_from` text NOT NULL,
	`valid_to` text,
	`amount` real NOT NULL,
	PRIMARY KEY(`decision_type`, `valid_from`)
);
--> statement-breakpoint
CREATE TABLE `tokens` (
	`id` text PRIMARY KEY NOT NULL,
	`user_id` text NOT NULL,
	`hash` text NOT NULL,
	`created_at` text NOT NULL,
	`expires_at` text,
	`revoked_at` text,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `tokens_hash_unique` ON `tokens` (`hash`);--> statement-breakpoint
CREATE INDEX `tokens_user` ON `tokens` (`user_id`);--> statement-breakpoint
CREATE TABLE `units` (
	`code` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`peer_group` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `users` (
	`id` text PRIMARY KEY NOT NULL,
	`username` text NOT NULL,
	`role` text NOT NULL,
	`officer_code` text,
	`created_at` text NOT NULL,
	`disabled_at` text,
	FOREIGN KEY (`officer_code`) REFERENCES `officers`(`code`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `users_username_unique` ON `users` (`username`);--> statement-breakpoint
CREATE INDEX `users_officer` ON `users` (`officer_code`);--> statement-breakpoint
CREATE TABLE `workload` (
	`officer_code` text NOT NULL,
	`period` text NOT NULL,
	`kind` text NOT NULL,
	`count` real NOT NULL,
	PRIMARY KEY(`period`, `officer_code`, `kind`),
	FOREIGN KEY (`officer_code`) REFERENCES `officers`(`code`) ON UPDATE no action ON DELETE no action
);
