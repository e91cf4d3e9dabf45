CREATE TABLE `job_items` (
	`job_id` text NOT NULL,
	`seq` integer NOT NULL,
	`body` text NOT NULL,
	PRIMARY KEY(`job_id`, `seq`)
);
--> statement-breakpoint
CREATE TABLE `jobs` (
	`id` text PRIMARY KEY NOT NULL,
	`kind` text NOT NULL,
	`key` text NOT NULL,
	`status` text NOT NULL,
	`done` integer NOT NULL,
	`total` integer,
	`steps` integer NOT NULL,
	`error` text,
	`output` text,
	`created_by` text NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `jobs_one_running` ON `jobs` (`kind`,`key`) WHERE status = 'running';--> statement-breakpoint
CREATE INDEX `jobs_key` ON `jobs` (`key`,`created_at`);