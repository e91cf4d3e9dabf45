CREATE TABLE `audit_cosignatures` (
	`size` integer NOT NULL,
	`witness` text NOT NULL,
	`timestamp` integer NOT NULL,
	`line` text NOT NULL,
	PRIMARY KEY(`size`, `witness`)
);
--> statement-breakpoint
CREATE INDEX `audit_cosignatures_witness` ON `audit_cosignatures` (`witness`,`size`);--> statement-breakpoint
CREATE TABLE `audit_rewound_checkpoints` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`size` integer NOT NULL,
	`root_hash` text NOT NULL,
	`at` text NOT NULL,
	`text` text NOT NULL,
	`rewind_seq` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `audit_rewound_seq` ON `audit_rewound_checkpoints` (`rewind_seq`);