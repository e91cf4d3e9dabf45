ALTER TABLE `appeals` ADD `decision_reason` text;--> statement-breakpoint
ALTER TABLE `appeals` ADD `corrected_tier` integer;--> statement-breakpoint
CREATE INDEX `appeals_officer` ON `appeals` (`officer_code`,`run_id`);