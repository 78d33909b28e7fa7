-- Service accounts may be limited to the users of some groups (JSON array of group ids); NULL: every user.
ALTER TABLE `service_accounts` ADD `group_ids` text;