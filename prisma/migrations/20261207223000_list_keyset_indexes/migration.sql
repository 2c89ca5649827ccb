-- Keyset pagination for the audit viewer (issue 18): every filter and sort the
-- viewer offers reads an index in id order, so a page is LIMIT page size + 1
-- rows with no OFFSET and no full count. The (action, occurred_at) and
-- (actor_label, occurred_at) indexes are replaced by their id-ordered twins
-- (ids follow time); equality lookups on action or actor label use the new ones.

-- DropIndex
DROP INDEX "audit_events_action_occurred_at_idx";

-- DropIndex
DROP INDEX "audit_events_actor_label_occurred_at_idx";

-- CreateIndex
CREATE INDEX "audit_events_org_id_id_idx" ON "audit_events"("org_id", "id");

-- CreateIndex
CREATE INDEX "audit_events_action_id_idx" ON "audit_events"("action", "id");

-- CreateIndex
CREATE INDEX "audit_events_org_id_action_id_idx" ON "audit_events"("org_id", "action", "id");

-- CreateIndex
CREATE INDEX "audit_events_actor_label_id_idx" ON "audit_events"("actor_label", "id");

-- CreateIndex
CREATE INDEX "audit_events_org_id_actor_label_id_idx" ON "audit_events"("org_id", "actor_label", "id");

-- CreateIndex
CREATE INDEX "audit_events_actor_id_idx" ON "audit_events"("actor_id");

-- CreateIndex
CREATE INDEX "audit_events_target_id_idx" ON "audit_events"("target_id");
