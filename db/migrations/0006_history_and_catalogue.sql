CREATE TABLE `org_unit_parents` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`org_unit_id` text NOT NULL,
	`parent_id` text,
	`from_date` text,
	`to_date` text,
	FOREIGN KEY (`org_unit_id`) REFERENCES `org_units`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`parent_id`) REFERENCES `org_units`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `org_unit_parents_unit_idx` ON `org_unit_parents` (`org_unit_id`,`from_date`);--> statement-breakpoint
CREATE TABLE `person_assignments` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`person_id` text NOT NULL,
	`org_unit_id` text,
	`duty` text,
	`from_date` text,
	`to_date` text,
	`created_at` text NOT NULL,
	FOREIGN KEY (`person_id`) REFERENCES `people`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`org_unit_id`) REFERENCES `org_units`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `person_assignments_person_idx` ON `person_assignments` (`person_id`,`from_date`);--> statement-breakpoint
ALTER TABLE `inspections` ADD `found_problems` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `inspections` ADD `rectified_on` text;--> statement-breakpoint
ALTER TABLE `org_units` ADD `established_on` text;--> statement-breakpoint
ALTER TABLE `petitions` ADD `entered_system_on` text;--> statement-breakpoint
ALTER TABLE `research_reports` ADD `converted_to` text;--> statement-breakpoint
ALTER TABLE `research_reports` ADD `converted_on` text;--> statement-breakpoint
ALTER TABLE `submissions` ADD `responsible` text;--> statement-breakpoint
ALTER TABLE `submissions` ADD `quantity` integer;--> statement-breakpoint
ALTER TABLE `submissions` ADD `quota` integer;--> statement-breakpoint
-- Existing people and units keep their current unit, duty and parent as history with an unknown start ("since before records began"); a person already removed keeps it up to the day she was removed (Beijing time, the zone of every tenant so far).
INSERT INTO `person_assignments` (`person_id`, `org_unit_id`, `duty`, `from_date`, `to_date`, `created_at`)
  SELECT `id`, `org_unit_id`, `duty`, NULL, CASE WHEN `deleted_at` IS NULL THEN NULL ELSE date(`deleted_at`, '+8 hours') END, `created_at` FROM `people`;--> statement-breakpoint
INSERT INTO `org_unit_parents` (`org_unit_id`, `parent_id`, `from_date`, `to_date`)
  SELECT `id`, `parent_id`, NULL, CASE WHEN `deleted_at` IS NULL THEN NULL ELSE date(`deleted_at`, '+8 hours') END FROM `org_units`;
