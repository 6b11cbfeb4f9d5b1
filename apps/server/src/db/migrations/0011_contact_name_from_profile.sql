ALTER TABLE "contacts" ADD COLUMN "name_from_profile" boolean DEFAULT true NOT NULL;--> statement-breakpoint
UPDATE "contacts" SET "name_from_profile" = false WHERE "source" <> 'whatsapp' AND "name" IS NOT NULL;
