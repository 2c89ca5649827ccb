-- A manual tier's reason is staff-only, but billing used to quote it in the reason a
-- re-issued license carries ("Re-issued as <jti>: Tier a → b: manual: <reason>"), which
-- the customer's portal shows. Keep what happened, drop the staff's words. (Audit events
-- are never rewritten: lib/audit/customer-view.ts withholds the same text when read.)
UPDATE "license_keys" SET "revoked_reason" = regexp_replace("revoked_reason", ': manual tier cleared: .*$', ': manual tier cleared')
WHERE "revoked_reason" ~ '^Re-issued as [^:]+: Tier [^:]*: manual tier cleared: ';
UPDATE "license_keys" SET "revoked_reason" = regexp_replace("revoked_reason", ': manual: .*$', ': manual tier')
WHERE "revoked_reason" ~ '^Re-issued as [^:]+: Tier [^:]*: manual: ';
