-- CreateTable
CREATE TABLE "audit_chain_gaps" (
    "id" BIGSERIAL NOT NULL,
    "first_id" BIGINT NOT NULL,
    "last_id" BIGINT NOT NULL,
    "count" INTEGER NOT NULL,
    "first_prev_hash" TEXT NOT NULL,
    "last_hash" TEXT NOT NULL,
    "org_id" TEXT,
    "purge_event_id" BIGINT,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "audit_chain_gaps_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "audit_chain_gaps_first_id_idx" ON "audit_chain_gaps"("first_id");

-- Gap records are evidence for `audit verify`: never rewritten or removed.
CREATE FUNCTION audit_chain_gaps_append_only() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'audit_chain_gaps is append-only: % is not allowed', TG_OP
    USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER audit_chain_gaps_no_update_delete
  BEFORE UPDATE OR DELETE ON audit_chain_gaps
  FOR EACH ROW EXECUTE FUNCTION audit_chain_gaps_append_only();

CREATE TRIGGER audit_chain_gaps_no_truncate
  BEFORE TRUNCATE ON audit_chain_gaps
  FOR EACH STATEMENT EXECUTE FUNCTION audit_chain_gaps_append_only();
