CREATE TABLE `job_runs` (
	`id` text PRIMARY KEY NOT NULL,
	`job` text NOT NULL,
	`scheduled_for` text NOT NULL,
	`started_at` text NOT NULL,
	`finished_at` text,
	`status` text NOT NULL,
	`detail` text
);
--> statement-breakpoint
CREATE UNIQUE INDEX `job_runs_slot_uq` ON `job_runs` (`job`,`scheduled_for`);--> statement-breakpoint
CREATE TABLE `org_units` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`level` text NOT NULL,
	`type` text NOT NULL,
	`parent_id` text,
	`sort_order` integer DEFAULT 0 NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	`deleted_at` text,
	FOREIGN KEY (`parent_id`) REFERENCES `org_units`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `org_units_parent_idx` ON `org_units` (`parent_id`);--> statement-breakpoint
CREATE TABLE `people` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`email` text,
	`password_hash` text,
	`must_change_password` integer DEFAULT false NOT NULL,
	`access` text DEFAULT 'member' NOT NULL,
	`duty` text,
	`org_unit_id` text,
	`phone` text,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	`deleted_at` text,
	FOREIGN KEY (`org_unit_id`) REFERENCES `org_units`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `people_email_uq` ON `people` (`email`) WHERE "people"."email" is not null and "people"."deleted_at" is null;--> statement-breakpoint
CREATE INDEX `people_org_unit_idx` ON `people` (`org_unit_id`);