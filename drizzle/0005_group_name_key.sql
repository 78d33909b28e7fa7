DROP INDEX `groups_name_lower_unique`;--> statement-breakpoint
ALTER TABLE `groups` ADD `name_key` text DEFAULT '' NOT NULL;--> statement-breakpoint
-- Existing names get the ASCII fold SQLite can compute; the application writes foldKey(name)
-- (NFKC + Unicode case folding) from now on. Rewriting a name refreshes its key.
UPDATE `groups` SET `name_key` = lower(trim(`name`));--> statement-breakpoint
CREATE UNIQUE INDEX `groups_name_key_unique` ON `groups` (`name_key`);
