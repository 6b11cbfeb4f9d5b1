DROP INDEX "conversations_list_idx";--> statement-breakpoint
DROP INDEX "conversations_recent_idx";--> statement-breakpoint
ALTER TABLE "webhook_events" ADD COLUMN "attempts" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "webhook_events" ADD COLUMN "next_attempt_at" timestamp with time zone DEFAULT now() NOT NULL;--> statement-breakpoint
CREATE INDEX "webhook_events_pending_idx" ON "webhook_events" USING btree ("next_attempt_at","id") WHERE "webhook_events"."status" = 'pending';--> statement-breakpoint
CREATE INDEX "conversations_list_idx" ON "conversations" USING btree ("workspace_id","status","last_message_at","id");--> statement-breakpoint
CREATE INDEX "conversations_recent_idx" ON "conversations" USING btree ("workspace_id","last_message_at","id");