CREATE TABLE "consents" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"workspace_id" uuid NOT NULL,
	"contact_id" uuid,
	"purpose" text NOT NULL,
	"channel_id" uuid,
	"action" text NOT NULL,
	"source" text NOT NULL,
	"wording" text,
	"evidence" text,
	"message_id" uuid,
	"actor_user_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "templates" ADD COLUMN "status_reason" text;--> statement-breakpoint
ALTER TABLE "templates" ADD COLUMN "quality_score" text;--> statement-breakpoint
ALTER TABLE "consents" ADD CONSTRAINT "consents_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "consents" ADD CONSTRAINT "consents_contact_id_contacts_id_fk" FOREIGN KEY ("contact_id") REFERENCES "public"."contacts"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "consents" ADD CONSTRAINT "consents_channel_id_channels_id_fk" FOREIGN KEY ("channel_id") REFERENCES "public"."channels"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "consents" ADD CONSTRAINT "consents_actor_user_id_users_id_fk" FOREIGN KEY ("actor_user_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "consents_contact_idx" ON "consents" USING btree ("contact_id","purpose","created_at");--> statement-breakpoint
-- The consent ledger is append-only. The one change allowed is pseudonymisation: an erased contact's
-- rows lose the contact and the evidence and keep the rest as proof (the foreign key's SET NULL does
-- this). Deleting needs `SET LOCAL parley.consent_delete = 'on'` (a workspace's own deletion).
CREATE OR REPLACE FUNCTION parley_consents_append_only() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    IF current_setting('parley.consent_delete', true) = 'on' THEN
      RETURN OLD;
    END IF;
    RAISE EXCEPTION 'consents is append-only' USING ERRCODE = 'insufficient_privilege';
  END IF;
  IF NEW.id = OLD.id AND NEW.workspace_id = OLD.workspace_id AND NEW.purpose = OLD.purpose
    AND NEW.action = OLD.action AND NEW.source = OLD.source AND NEW.created_at = OLD.created_at
    AND NEW.wording IS NOT DISTINCT FROM OLD.wording
    AND NEW.message_id IS NOT DISTINCT FROM OLD.message_id
    AND (NEW.contact_id IS NULL OR NEW.contact_id = OLD.contact_id)
    AND (NEW.evidence IS NULL OR NEW.evidence = OLD.evidence)
    AND (NEW.channel_id IS NULL OR NEW.channel_id = OLD.channel_id)
    AND (NEW.actor_user_id IS NULL OR NEW.actor_user_id = OLD.actor_user_id) THEN
    RETURN NEW;
  END IF;
  RAISE EXCEPTION 'consents is append-only' USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER consents_append_only BEFORE UPDATE OR DELETE ON consents
  FOR EACH ROW EXECUTE FUNCTION parley_consents_append_only();
