CREATE TABLE `annual_appeals` (
	`id` text PRIMARY KEY NOT NULL,
	`review_id` text NOT NULL,
	`officer_code` text NOT NULL,
	`reason` text NOT NULL,
	`filed_by` text NOT NULL,
	`filed_at` text NOT NULL,
	`status` text NOT NULL,
	`decided_by` text,
	`decided_at` text,
	`decision_reason` text,
	`corrected_grade` text,
	FOREIGN KEY (`review_id`) REFERENCES `annual_reviews`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`officer_code`) REFERENCES `officers`(`code`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `annual_appeals_result` ON `annual_appeals` (`review_id`,`officer_code`);--> statement-breakpoint
CREATE INDEX `annual_appeals_status` ON `annual_appeals` (`status`);--> statement-breakpoint
CREATE TABLE `annual_results` (
	`review_id` text NOT NULL,
	`officer_code` text NOT NULL,
	`status` text NOT NULL,
	`score` real,
	`rank` integer,
	`grade` text,
	`detail` text NOT NULL,
	PRIMARY KEY(`review_id`, `officer_code`),
	FOREIGN KEY (`review_id`) REFERENCES `annual_reviews`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`officer_code`) REFERENCES `officers`(`code`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `annual_results_officer` ON `annual_results` (`officer_code`);--> statement-breakpoint
CREATE TABLE `annual_reviews` (
	`id` text PRIMARY KEY NOT NULL,
	`year` integer NOT NULL,
	`policy_hash` text NOT NULL,
	`input_digest` text NOT NULL,
	`results_digest` text NOT NULL,
	`runs` text NOT NULL,
	`basis` text NOT NULL,
	`status` text NOT NULL,
	`what_if` integer DEFAULT false NOT NULL,
	`created_by` text NOT NULL,
	`created_at` text NOT NULL,
	`published_by` text,
	`published_at` text,
	FOREIGN KEY (`policy_hash`) REFERENCES `policies`(`hash`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `annual_reviews_year` ON `annual_reviews` (`year`,`created_at`);--> statement-breakpoint
CREATE TABLE `corrections` (
	`id` text PRIMARY KEY NOT NULL,
	`run_id` text NOT NULL,
	`officer_code` text NOT NULL,
	`source` text NOT NULL,
	`source_id` text NOT NULL,
	`decision_id` text,
	`from_tier` integer,
	`to_tier` integer NOT NULL,
	`coefficient` real NOT NULL,
	`payout` real NOT NULL,
	`original_payout` real,
	`reason` text NOT NULL,
	`created_by` text NOT NULL,
	`created_at` text NOT NULL,
	FOREIGN KEY (`run_id`) REFERENCES `grading_runs`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`officer_code`) REFERENCES `officers`(`code`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `corrections_run` ON `corrections` (`run_id`,`created_at`);--> statement-breakpoint
CREATE UNIQUE INDEX `corrections_source` ON `corrections` (`source`,`source_id`);--> statement-breakpoint
ALTER TABLE `grading_runs` ADD `provisional` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `grading_runs` ADD `discarded_by` text;--> statement-breakpoint
ALTER TABLE `grading_runs` ADD `discarded_at` text;--> statement-breakpoint
ALTER TABLE `grading_runs` ADD `discard_reason` text;