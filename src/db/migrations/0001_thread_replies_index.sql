DROP INDEX `messages_thread`;--> statement-breakpoint
CREATE INDEX `messages_thread_replies` ON `messages` (`thread_id`,`seq`) WHERE thread_id is not null;