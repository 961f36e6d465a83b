ALTER TABLE `people` DROP COLUMN `failed_logins`;--> statement-breakpoint
ALTER TABLE `people` DROP COLUMN `locked_until`;