CREATE TABLE `api_keys` (
	`id` text PRIMARY KEY NOT NULL,
	`hash` text NOT NULL,
	`prefix` text NOT NULL,
	`name` text NOT NULL,
	`scopes` text NOT NULL,
	`user_id` text,
	`service_account_id` text,
	`owner_epoch` integer DEFAULT 0 NOT NULL,
	`created_by` text,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	`expires_at` text,
	`last_used_at` text,
	`revoked_at` text,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`service_account_id`) REFERENCES `service_accounts`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "api_keys_one_owner" CHECK(("api_keys"."user_id" IS NULL) <> ("api_keys"."service_account_id" IS NULL))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `api_keys_hash_unique` ON `api_keys` (`hash`);--> statement-breakpoint
CREATE INDEX `api_keys_user` ON `api_keys` (`user_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `api_keys_service_account` ON `api_keys` (`service_account_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `service_accounts` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`description` text DEFAULT '' NOT NULL,
	`created_by` text,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	`deleted_at` text
);
--> statement-breakpoint
CREATE UNIQUE INDEX `service_accounts_name_lower_unique` ON `service_accounts` (lower("name"));--> statement-breakpoint
ALTER TABLE `user_api_keys` ADD `key_status` text;--> statement-breakpoint
ALTER TABLE `user_api_keys` ADD `checked_at` text;--> statement-breakpoint
ALTER TABLE `user_api_keys` ADD `missing_model` text;--> statement-breakpoint
CREATE INDEX `user_api_keys_checked_at` ON `user_api_keys` (`checked_at`);