CREATE TABLE "target_links" (
	"hub_target_id" integer PRIMARY KEY NOT NULL,
	"github_target_id" integer NOT NULL,
	"origin" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "target_links_origin_ck" CHECK ("target_links"."origin" in ('manual', 'suggested'))
);
--> statement-breakpoint
ALTER TABLE "target_links" ADD CONSTRAINT "target_links_hub_target_id_targets_id_fk" FOREIGN KEY ("hub_target_id") REFERENCES "public"."targets"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "target_links" ADD CONSTRAINT "target_links_github_target_id_targets_id_fk" FOREIGN KEY ("github_target_id") REFERENCES "public"."targets"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "target_links_github_idx" ON "target_links" USING btree ("github_target_id");