-- The reserved group every user belongs to until an administrator assigns another one.
INSERT INTO `groups` (`id`, `name`, `description`) VALUES ('ungrouped', 'ungrouped', 'Users not assigned to any group');
