CREATE TABLE `tenant_config_versions` (
	`tenant_id` text NOT NULL,
	`version` integer NOT NULL,
	`config` text NOT NULL,
	`changed_by` text NOT NULL,
	`changed_at` text NOT NULL,
	`note` text,
	PRIMARY KEY(`tenant_id`, `version`),
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `tenant_events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`tenant_id` text NOT NULL,
	`action` text NOT NULL,
	`actor` text NOT NULL,
	`at` text NOT NULL,
	`detail` text
);
--> statement-breakpoint
CREATE INDEX `tenant_events_tenant_idx` ON `tenant_events` (`tenant_id`,`id`);--> statement-breakpoint
CREATE TABLE `tenants` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`status` text NOT NULL,
	`database_url` text,
	`config_version` integer NOT NULL,
	`schema_version` integer,
	`schema_checked_at` text,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL
);
