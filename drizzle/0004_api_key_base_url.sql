ALTER TABLE `user_api_keys` ADD `base_url` text;--> statement-breakpoint
-- Existing keys are bound to the base_url their section had when this migration ran.
UPDATE `user_api_keys` SET `base_url` = (
  SELECT json_extract(p.`overrides`, '$.' || `user_api_keys`.`section` || '.base_url')
  FROM `user_preferences` AS p
  WHERE p.`user_id` = `user_api_keys`.`user_id`
    AND json_extract(p.`overrides`, '$.' || `user_api_keys`.`section` || '.provider') = `user_api_keys`.`provider`
);
