DROP INDEX `users_created_at`;--> statement-breakpoint
DROP INDEX `users_last_login_at`;--> statement-breakpoint
CREATE INDEX `users_created_at_id` ON `users` (`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `users_last_login_at_id` ON `users` (`last_login_at`,`id`);