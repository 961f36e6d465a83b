CREATE TABLE `contact_points` (
	`id` text PRIMARY KEY NOT NULL,
	`person_id` text,
	`org_unit_id` text,
	`created_by` text,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	`deleted_at` text,
	`name` text NOT NULL,
	`point_org_unit_id` text,
	`is_weak` integer DEFAULT false NOT NULL,
	`established_on` text NOT NULL,
	`brand_project` text,
	`problem_solved` text,
	`suggestion` text,
	`innovation` text,
	`innovation_on` text,
	FOREIGN KEY (`person_id`) REFERENCES `people`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`org_unit_id`) REFERENCES `org_units`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `contact_points_person_idx` ON `contact_points` (`person_id`);--> statement-breakpoint
CREATE INDEX `contact_points_org_unit_idx` ON `contact_points` (`org_unit_id`);--> statement-breakpoint
CREATE INDEX `contact_points_date_idx` ON `contact_points` (`established_on`);--> statement-breakpoint
CREATE TABLE `diary_entries` (
	`id` text PRIMARY KEY NOT NULL,
	`person_id` text,
	`org_unit_id` text,
	`created_by` text,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	`deleted_at` text,
	`entry_date` text NOT NULL,
	`field_trip_id` text,
	`content` text NOT NULL,
	FOREIGN KEY (`person_id`) REFERENCES `people`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`org_unit_id`) REFERENCES `org_units`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `diary_entries_person_idx` ON `diary_entries` (`person_id`);--> statement-breakpoint
CREATE INDEX `diary_entries_org_unit_idx` ON `diary_entries` (`org_unit_id`);--> statement-breakpoint
CREATE INDEX `diary_entries_date_idx` ON `diary_entries` (`entry_date`);--> statement-breakpoint
CREATE TABLE `events` (
	`id` text PRIMARY KEY NOT NULL,
	`person_id` text,
	`org_unit_id` text,
	`created_by` text,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	`deleted_at` text,
	`type` text NOT NULL,
	`title` text NOT NULL,
	`start_date` text NOT NULL,
	`end_date` text NOT NULL,
	`participants` integer DEFAULT 0 NOT NULL,
	`notes` text,
	FOREIGN KEY (`person_id`) REFERENCES `people`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`org_unit_id`) REFERENCES `org_units`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `events_person_idx` ON `events` (`person_id`);--> statement-breakpoint
CREATE INDEX `events_org_unit_idx` ON `events` (`org_unit_id`);--> statement-breakpoint
CREATE INDEX `events_date_idx` ON `events` (`start_date`);--> statement-breakpoint
CREATE TABLE `field_trips` (
	`id` text PRIMARY KEY NOT NULL,
	`person_id` text,
	`org_unit_id` text,
	`created_by` text,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	`deleted_at` text,
	`start_date` text NOT NULL,
	`end_date` text NOT NULL,
	`purpose` text,
	`notes` text,
	FOREIGN KEY (`person_id`) REFERENCES `people`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`org_unit_id`) REFERENCES `org_units`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `field_trips_person_idx` ON `field_trips` (`person_id`);--> statement-breakpoint
CREATE INDEX `field_trips_org_unit_idx` ON `field_trips` (`org_unit_id`);--> statement-breakpoint
CREATE INDEX `field_trips_dates_idx` ON `field_trips` (`start_date`,`end_date`);--> statement-breakpoint
CREATE TABLE `household_visits` (
	`id` text PRIMARY KEY NOT NULL,
	`person_id` text,
	`org_unit_id` text,
	`created_by` text,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	`deleted_at` text,
	`household_id` text,
	`visited_on` text NOT NULL,
	`categories` text DEFAULT '[]' NOT NULL,
	`notes` text,
	FOREIGN KEY (`person_id`) REFERENCES `people`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`org_unit_id`) REFERENCES `org_units`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`household_id`) REFERENCES `households`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `household_visits_person_idx` ON `household_visits` (`person_id`);--> statement-breakpoint
CREATE INDEX `household_visits_org_unit_idx` ON `household_visits` (`org_unit_id`);--> statement-breakpoint
CREATE INDEX `household_visits_date_idx` ON `household_visits` (`visited_on`);--> statement-breakpoint
CREATE TABLE `households` (
	`id` text PRIMARY KEY NOT NULL,
	`person_id` text,
	`org_unit_id` text,
	`created_by` text,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	`deleted_at` text,
	`address` text NOT NULL,
	`head_name` text,
	`categories` text DEFAULT '[]' NOT NULL,
	`has_minor` integer DEFAULT false NOT NULL,
	`notes` text,
	FOREIGN KEY (`person_id`) REFERENCES `people`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`org_unit_id`) REFERENCES `org_units`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `households_person_idx` ON `households` (`person_id`);--> statement-breakpoint
CREATE INDEX `households_org_unit_idx` ON `households` (`org_unit_id`);--> statement-breakpoint
CREATE TABLE `inspections` (
	`id` text PRIMARY KEY NOT NULL,
	`person_id` text,
	`org_unit_id` text,
	`created_by` text,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	`deleted_at` text,
	`inspected_on` text NOT NULL,
	`inspecting_org_unit_id` text,
	`findings` text,
	FOREIGN KEY (`person_id`) REFERENCES `people`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`org_unit_id`) REFERENCES `org_units`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `inspections_person_idx` ON `inspections` (`person_id`);--> statement-breakpoint
CREATE INDEX `inspections_org_unit_idx` ON `inspections` (`org_unit_id`);--> statement-breakpoint
CREATE INDEX `inspections_date_idx` ON `inspections` (`inspected_on`);--> statement-breakpoint
CREATE TABLE `needs` (
	`id` text PRIMARY KEY NOT NULL,
	`person_id` text,
	`org_unit_id` text,
	`created_by` text,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	`deleted_at` text,
	`recorded_on` text NOT NULL,
	`category` text,
	`need` text NOT NULL,
	`action` text,
	`status` text DEFAULT 'open' NOT NULL,
	`woman_name` text,
	`involves_minor` integer DEFAULT false NOT NULL,
	FOREIGN KEY (`person_id`) REFERENCES `people`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`org_unit_id`) REFERENCES `org_units`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `needs_person_idx` ON `needs` (`person_id`);--> statement-breakpoint
CREATE INDEX `needs_org_unit_idx` ON `needs` (`org_unit_id`);--> statement-breakpoint
CREATE INDEX `needs_date_idx` ON `needs` (`recorded_on`);--> statement-breakpoint
CREATE TABLE `pairings` (
	`id` text PRIMARY KEY NOT NULL,
	`person_id` text,
	`org_unit_id` text,
	`created_by` text,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	`deleted_at` text,
	`beneficiary_type` text NOT NULL,
	`beneficiary_name` text,
	`started_on` text NOT NULL,
	`ended_on` text,
	`notes` text,
	FOREIGN KEY (`person_id`) REFERENCES `people`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`org_unit_id`) REFERENCES `org_units`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `pairings_person_idx` ON `pairings` (`person_id`);--> statement-breakpoint
CREATE INDEX `pairings_org_unit_idx` ON `pairings` (`org_unit_id`);--> statement-breakpoint
CREATE INDEX `pairings_date_idx` ON `pairings` (`started_on`);--> statement-breakpoint
CREATE TABLE `petitions` (
	`id` text PRIMARY KEY NOT NULL,
	`person_id` text,
	`org_unit_id` text,
	`created_by` text,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	`deleted_at` text,
	`channel` text NOT NULL,
	`received_on` text NOT NULL,
	`superior_assigned` integer DEFAULT false NOT NULL,
	`status` text DEFAULT 'received' NOT NULL,
	`assigned_on` text,
	`due_date` text,
	`closed_on` text,
	`reported_on` text,
	`outcome` text,
	`summary` text,
	`petitioner_name` text,
	`petitioner_phone` text,
	`involves_minor` integer DEFAULT false NOT NULL,
	FOREIGN KEY (`person_id`) REFERENCES `people`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`org_unit_id`) REFERENCES `org_units`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `petitions_person_idx` ON `petitions` (`person_id`);--> statement-breakpoint
CREATE INDEX `petitions_org_unit_idx` ON `petitions` (`org_unit_id`);--> statement-breakpoint
CREATE INDEX `petitions_received_idx` ON `petitions` (`received_on`);--> statement-breakpoint
CREATE TABLE `research_reports` (
	`id` text PRIMARY KEY NOT NULL,
	`person_id` text,
	`org_unit_id` text,
	`created_by` text,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	`deleted_at` text,
	`title` text NOT NULL,
	`topic` text DEFAULT 'general' NOT NULL,
	`situation` text,
	`analysis` text,
	`recommendations` text,
	`submitted_on` text NOT NULL,
	FOREIGN KEY (`person_id`) REFERENCES `people`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`org_unit_id`) REFERENCES `org_units`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `research_reports_person_idx` ON `research_reports` (`person_id`);--> statement-breakpoint
CREATE INDEX `research_reports_org_unit_idx` ON `research_reports` (`org_unit_id`);--> statement-breakpoint
CREATE INDEX `research_reports_date_idx` ON `research_reports` (`submitted_on`);--> statement-breakpoint
CREATE TABLE `services` (
	`id` text PRIMARY KEY NOT NULL,
	`person_id` text,
	`org_unit_id` text,
	`created_by` text,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	`deleted_at` text,
	`category` text NOT NULL,
	`subtype` text,
	`served_on` text NOT NULL,
	`people_served` integer DEFAULT 0 NOT NULL,
	`notes` text,
	FOREIGN KEY (`person_id`) REFERENCES `people`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`org_unit_id`) REFERENCES `org_units`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `services_person_idx` ON `services` (`person_id`);--> statement-breakpoint
CREATE INDEX `services_org_unit_idx` ON `services` (`org_unit_id`);--> statement-breakpoint
CREATE INDEX `services_date_idx` ON `services` (`served_on`);--> statement-breakpoint
CREATE TABLE `submissions` (
	`id` text PRIMARY KEY NOT NULL,
	`person_id` text,
	`org_unit_id` text,
	`created_by` text,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	`deleted_at` text,
	`type` text NOT NULL,
	`period` text,
	`title` text NOT NULL,
	`outlet_level` text,
	`milestone` text,
	`recipient_org_unit_id` text,
	`submitted_at` text NOT NULL,
	FOREIGN KEY (`person_id`) REFERENCES `people`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`org_unit_id`) REFERENCES `org_units`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `submissions_person_idx` ON `submissions` (`person_id`);--> statement-breakpoint
CREATE INDEX `submissions_org_unit_idx` ON `submissions` (`org_unit_id`);--> statement-breakpoint
CREATE INDEX `submissions_at_idx` ON `submissions` (`submitted_at`);--> statement-breakpoint
CREATE INDEX `submissions_period_idx` ON `submissions` (`period`);