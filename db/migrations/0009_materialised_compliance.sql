CREATE TABLE `compliance_dirty` (
	`seq` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`tbl` text NOT NULL,
	`person_id` text,
	`record_id` text
);
--> statement-breakpoint
CREATE TABLE `compliance_results` (
	`rule_id` text NOT NULL,
	`subject_type` text NOT NULL,
	`subject_id` text NOT NULL,
	`period_key` text NOT NULL,
	`rule_rank` integer NOT NULL,
	`period_start` text NOT NULL,
	`span_end` text NOT NULL,
	`due` text NOT NULL,
	`status` text NOT NULL,
	`is_current` integer NOT NULL,
	`org_unit_id` text,
	`person_id` text,
	`body` text NOT NULL,
	PRIMARY KEY(`rule_id`, `subject_type`, `subject_id`, `period_key`)
);
--> statement-breakpoint
CREATE INDEX `compliance_results_due_idx` ON `compliance_results` (`due`,`rule_rank`);--> statement-breakpoint
CREATE INDEX `compliance_results_person_idx` ON `compliance_results` (`person_id`,`due`);--> statement-breakpoint
CREATE INDEX `compliance_results_org_unit_idx` ON `compliance_results` (`org_unit_id`,`due`);--> statement-breakpoint
CREATE TABLE `compliance_state` (
	`id` integer PRIMARY KEY NOT NULL,
	`day` text NOT NULL,
	`config_hash` text NOT NULL,
	`applied_seq` integer NOT NULL,
	`refreshed_at` text
);
--> statement-breakpoint
INSERT INTO `compliance_state` (`id`, `day`, `config_hash`, `applied_seq`) VALUES (1, '', '', 0);--> statement-breakpoint
CREATE TRIGGER field_trips_compliance_insert AFTER INSERT ON field_trips BEGIN INSERT INTO compliance_dirty (tbl, person_id, record_id) VALUES ('field_trips', NEW.person_id, NEW.id); END;--> statement-breakpoint
CREATE TRIGGER field_trips_compliance_update AFTER UPDATE ON field_trips BEGIN INSERT INTO compliance_dirty (tbl, person_id, record_id) VALUES ('field_trips', OLD.person_id, OLD.id); INSERT INTO compliance_dirty (tbl, person_id, record_id) SELECT 'field_trips', NEW.person_id, NEW.id WHERE NEW.person_id IS NOT OLD.person_id OR NEW.id IS NOT OLD.id; END;--> statement-breakpoint
CREATE TRIGGER field_trips_compliance_delete AFTER DELETE ON field_trips BEGIN INSERT INTO compliance_dirty (tbl, person_id, record_id) VALUES ('field_trips', OLD.person_id, OLD.id); END;--> statement-breakpoint
CREATE TRIGGER household_visits_compliance_insert AFTER INSERT ON household_visits BEGIN INSERT INTO compliance_dirty (tbl, person_id, record_id) VALUES ('household_visits', NEW.person_id, NEW.id); END;--> statement-breakpoint
CREATE TRIGGER household_visits_compliance_update AFTER UPDATE ON household_visits BEGIN INSERT INTO compliance_dirty (tbl, person_id, record_id) VALUES ('household_visits', OLD.person_id, OLD.id); INSERT INTO compliance_dirty (tbl, person_id, record_id) SELECT 'household_visits', NEW.person_id, NEW.id WHERE NEW.person_id IS NOT OLD.person_id OR NEW.id IS NOT OLD.id; END;--> statement-breakpoint
CREATE TRIGGER household_visits_compliance_delete AFTER DELETE ON household_visits BEGIN INSERT INTO compliance_dirty (tbl, person_id, record_id) VALUES ('household_visits', OLD.person_id, OLD.id); END;--> statement-breakpoint
CREATE TRIGGER diary_entries_compliance_insert AFTER INSERT ON diary_entries BEGIN INSERT INTO compliance_dirty (tbl, person_id, record_id) VALUES ('diary_entries', NEW.person_id, NEW.id); END;--> statement-breakpoint
CREATE TRIGGER diary_entries_compliance_update AFTER UPDATE ON diary_entries BEGIN INSERT INTO compliance_dirty (tbl, person_id, record_id) VALUES ('diary_entries', OLD.person_id, OLD.id); INSERT INTO compliance_dirty (tbl, person_id, record_id) SELECT 'diary_entries', NEW.person_id, NEW.id WHERE NEW.person_id IS NOT OLD.person_id OR NEW.id IS NOT OLD.id; END;--> statement-breakpoint
CREATE TRIGGER diary_entries_compliance_delete AFTER DELETE ON diary_entries BEGIN INSERT INTO compliance_dirty (tbl, person_id, record_id) VALUES ('diary_entries', OLD.person_id, OLD.id); END;--> statement-breakpoint
CREATE TRIGGER research_reports_compliance_insert AFTER INSERT ON research_reports BEGIN INSERT INTO compliance_dirty (tbl, person_id, record_id) VALUES ('research_reports', NEW.person_id, NEW.id); END;--> statement-breakpoint
CREATE TRIGGER research_reports_compliance_update AFTER UPDATE ON research_reports BEGIN INSERT INTO compliance_dirty (tbl, person_id, record_id) VALUES ('research_reports', OLD.person_id, OLD.id); INSERT INTO compliance_dirty (tbl, person_id, record_id) SELECT 'research_reports', NEW.person_id, NEW.id WHERE NEW.person_id IS NOT OLD.person_id OR NEW.id IS NOT OLD.id; END;--> statement-breakpoint
CREATE TRIGGER research_reports_compliance_delete AFTER DELETE ON research_reports BEGIN INSERT INTO compliance_dirty (tbl, person_id, record_id) VALUES ('research_reports', OLD.person_id, OLD.id); END;--> statement-breakpoint
CREATE TRIGGER contact_points_compliance_insert AFTER INSERT ON contact_points BEGIN INSERT INTO compliance_dirty (tbl, person_id, record_id) VALUES ('contact_points', NEW.person_id, NEW.id); END;--> statement-breakpoint
CREATE TRIGGER contact_points_compliance_update AFTER UPDATE ON contact_points BEGIN INSERT INTO compliance_dirty (tbl, person_id, record_id) VALUES ('contact_points', OLD.person_id, OLD.id); INSERT INTO compliance_dirty (tbl, person_id, record_id) SELECT 'contact_points', NEW.person_id, NEW.id WHERE NEW.person_id IS NOT OLD.person_id OR NEW.id IS NOT OLD.id; END;--> statement-breakpoint
CREATE TRIGGER contact_points_compliance_delete AFTER DELETE ON contact_points BEGIN INSERT INTO compliance_dirty (tbl, person_id, record_id) VALUES ('contact_points', OLD.person_id, OLD.id); END;--> statement-breakpoint
CREATE TRIGGER pairings_compliance_insert AFTER INSERT ON pairings BEGIN INSERT INTO compliance_dirty (tbl, person_id, record_id) VALUES ('pairings', NEW.person_id, NEW.id); END;--> statement-breakpoint
CREATE TRIGGER pairings_compliance_update AFTER UPDATE ON pairings BEGIN INSERT INTO compliance_dirty (tbl, person_id, record_id) VALUES ('pairings', OLD.person_id, OLD.id); INSERT INTO compliance_dirty (tbl, person_id, record_id) SELECT 'pairings', NEW.person_id, NEW.id WHERE NEW.person_id IS NOT OLD.person_id OR NEW.id IS NOT OLD.id; END;--> statement-breakpoint
CREATE TRIGGER pairings_compliance_delete AFTER DELETE ON pairings BEGIN INSERT INTO compliance_dirty (tbl, person_id, record_id) VALUES ('pairings', OLD.person_id, OLD.id); END;--> statement-breakpoint
CREATE TRIGGER services_compliance_insert AFTER INSERT ON services BEGIN INSERT INTO compliance_dirty (tbl, person_id, record_id) VALUES ('services', NEW.person_id, NEW.id); END;--> statement-breakpoint
CREATE TRIGGER services_compliance_update AFTER UPDATE ON services BEGIN INSERT INTO compliance_dirty (tbl, person_id, record_id) VALUES ('services', OLD.person_id, OLD.id); INSERT INTO compliance_dirty (tbl, person_id, record_id) SELECT 'services', NEW.person_id, NEW.id WHERE NEW.person_id IS NOT OLD.person_id OR NEW.id IS NOT OLD.id; END;--> statement-breakpoint
CREATE TRIGGER services_compliance_delete AFTER DELETE ON services BEGIN INSERT INTO compliance_dirty (tbl, person_id, record_id) VALUES ('services', OLD.person_id, OLD.id); END;--> statement-breakpoint
CREATE TRIGGER events_compliance_insert AFTER INSERT ON events BEGIN INSERT INTO compliance_dirty (tbl, person_id, record_id) VALUES ('events', NEW.person_id, NEW.id); END;--> statement-breakpoint
CREATE TRIGGER events_compliance_update AFTER UPDATE ON events BEGIN INSERT INTO compliance_dirty (tbl, person_id, record_id) VALUES ('events', OLD.person_id, OLD.id); INSERT INTO compliance_dirty (tbl, person_id, record_id) SELECT 'events', NEW.person_id, NEW.id WHERE NEW.person_id IS NOT OLD.person_id OR NEW.id IS NOT OLD.id; END;--> statement-breakpoint
CREATE TRIGGER events_compliance_delete AFTER DELETE ON events BEGIN INSERT INTO compliance_dirty (tbl, person_id, record_id) VALUES ('events', OLD.person_id, OLD.id); END;--> statement-breakpoint
CREATE TRIGGER petitions_compliance_insert AFTER INSERT ON petitions BEGIN INSERT INTO compliance_dirty (tbl, person_id, record_id) VALUES ('petitions', NEW.person_id, NEW.id); END;--> statement-breakpoint
CREATE TRIGGER petitions_compliance_update AFTER UPDATE ON petitions BEGIN INSERT INTO compliance_dirty (tbl, person_id, record_id) VALUES ('petitions', OLD.person_id, OLD.id); INSERT INTO compliance_dirty (tbl, person_id, record_id) SELECT 'petitions', NEW.person_id, NEW.id WHERE NEW.person_id IS NOT OLD.person_id OR NEW.id IS NOT OLD.id; END;--> statement-breakpoint
CREATE TRIGGER petitions_compliance_delete AFTER DELETE ON petitions BEGIN INSERT INTO compliance_dirty (tbl, person_id, record_id) VALUES ('petitions', OLD.person_id, OLD.id); END;--> statement-breakpoint
CREATE TRIGGER submissions_compliance_insert AFTER INSERT ON submissions BEGIN INSERT INTO compliance_dirty (tbl, person_id, record_id) VALUES ('submissions', NEW.person_id, NEW.id); END;--> statement-breakpoint
CREATE TRIGGER submissions_compliance_update AFTER UPDATE ON submissions BEGIN INSERT INTO compliance_dirty (tbl, person_id, record_id) VALUES ('submissions', OLD.person_id, OLD.id); INSERT INTO compliance_dirty (tbl, person_id, record_id) SELECT 'submissions', NEW.person_id, NEW.id WHERE NEW.person_id IS NOT OLD.person_id OR NEW.id IS NOT OLD.id; END;--> statement-breakpoint
CREATE TRIGGER submissions_compliance_delete AFTER DELETE ON submissions BEGIN INSERT INTO compliance_dirty (tbl, person_id, record_id) VALUES ('submissions', OLD.person_id, OLD.id); END;--> statement-breakpoint
CREATE TRIGGER needs_compliance_insert AFTER INSERT ON needs BEGIN INSERT INTO compliance_dirty (tbl, person_id, record_id) VALUES ('needs', NEW.person_id, NEW.id); END;--> statement-breakpoint
CREATE TRIGGER needs_compliance_update AFTER UPDATE ON needs BEGIN INSERT INTO compliance_dirty (tbl, person_id, record_id) VALUES ('needs', OLD.person_id, OLD.id); INSERT INTO compliance_dirty (tbl, person_id, record_id) SELECT 'needs', NEW.person_id, NEW.id WHERE NEW.person_id IS NOT OLD.person_id OR NEW.id IS NOT OLD.id; END;--> statement-breakpoint
CREATE TRIGGER needs_compliance_delete AFTER DELETE ON needs BEGIN INSERT INTO compliance_dirty (tbl, person_id, record_id) VALUES ('needs', OLD.person_id, OLD.id); END;--> statement-breakpoint
CREATE TRIGGER inspections_compliance_insert AFTER INSERT ON inspections BEGIN INSERT INTO compliance_dirty (tbl, person_id, record_id) VALUES ('inspections', NEW.person_id, NEW.id); END;--> statement-breakpoint
CREATE TRIGGER inspections_compliance_update AFTER UPDATE ON inspections BEGIN INSERT INTO compliance_dirty (tbl, person_id, record_id) VALUES ('inspections', OLD.person_id, OLD.id); INSERT INTO compliance_dirty (tbl, person_id, record_id) SELECT 'inspections', NEW.person_id, NEW.id WHERE NEW.person_id IS NOT OLD.person_id OR NEW.id IS NOT OLD.id; END;--> statement-breakpoint
CREATE TRIGGER inspections_compliance_delete AFTER DELETE ON inspections BEGIN INSERT INTO compliance_dirty (tbl, person_id, record_id) VALUES ('inspections', OLD.person_id, OLD.id); END;--> statement-breakpoint
CREATE TRIGGER people_compliance_insert AFTER INSERT ON people BEGIN INSERT INTO compliance_dirty (tbl, person_id, record_id) VALUES ('people', NEW.id, NULL); END;--> statement-breakpoint
CREATE TRIGGER people_compliance_update AFTER UPDATE OF name, duty, org_unit_id, deleted_at ON people BEGIN INSERT INTO compliance_dirty (tbl, person_id, record_id) VALUES ('people', NEW.id, NULL); END;--> statement-breakpoint
CREATE TRIGGER people_compliance_delete AFTER DELETE ON people BEGIN INSERT INTO compliance_dirty (tbl, person_id, record_id) VALUES ('people', OLD.id, NULL); END;--> statement-breakpoint
CREATE TRIGGER person_assignments_compliance_insert AFTER INSERT ON person_assignments BEGIN INSERT INTO compliance_dirty (tbl, person_id, record_id) VALUES ('people', NEW.person_id, NULL);  END;--> statement-breakpoint
CREATE TRIGGER person_assignments_compliance_update AFTER UPDATE ON person_assignments BEGIN INSERT INTO compliance_dirty (tbl, person_id, record_id) VALUES ('people', NEW.person_id, NULL); INSERT INTO compliance_dirty (tbl, person_id, record_id) SELECT 'people', OLD.person_id, NULL WHERE OLD.person_id IS NOT NEW.person_id; END;--> statement-breakpoint
CREATE TRIGGER person_assignments_compliance_delete AFTER DELETE ON person_assignments BEGIN INSERT INTO compliance_dirty (tbl, person_id, record_id) VALUES ('people', OLD.person_id, NULL);  END;--> statement-breakpoint
CREATE TRIGGER org_units_compliance_insert AFTER INSERT ON org_units BEGIN INSERT INTO compliance_dirty (tbl, person_id, record_id) VALUES ('org_units', NULL, NULL); END;--> statement-breakpoint
CREATE TRIGGER org_units_compliance_update AFTER UPDATE ON org_units BEGIN INSERT INTO compliance_dirty (tbl, person_id, record_id) VALUES ('org_units', NULL, NULL); END;--> statement-breakpoint
CREATE TRIGGER org_units_compliance_delete AFTER DELETE ON org_units BEGIN INSERT INTO compliance_dirty (tbl, person_id, record_id) VALUES ('org_units', NULL, NULL); END;--> statement-breakpoint
CREATE TRIGGER org_unit_parents_compliance_insert AFTER INSERT ON org_unit_parents BEGIN INSERT INTO compliance_dirty (tbl, person_id, record_id) VALUES ('org_units', NULL, NULL); END;--> statement-breakpoint
CREATE TRIGGER org_unit_parents_compliance_update AFTER UPDATE ON org_unit_parents BEGIN INSERT INTO compliance_dirty (tbl, person_id, record_id) VALUES ('org_units', NULL, NULL); END;--> statement-breakpoint
CREATE TRIGGER org_unit_parents_compliance_delete AFTER DELETE ON org_unit_parents BEGIN INSERT INTO compliance_dirty (tbl, person_id, record_id) VALUES ('org_units', NULL, NULL); END;