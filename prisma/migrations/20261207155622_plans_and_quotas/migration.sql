-- AlterTable
ALTER TABLE "entitlements" ADD COLUMN     "source" TEXT NOT NULL DEFAULT 'manual';

-- AlterTable
ALTER TABLE "organizations" ADD COLUMN     "pull_grace_percent" INTEGER,
ADD COLUMN     "quota_limits" JSONB,
ADD COLUMN     "quota_warning_threshold" DOUBLE PRECISION;

-- CreateTable
CREATE TABLE "plan_repositories" (
    "tier" TEXT NOT NULL,
    "repository_id" TEXT NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "plan_repositories_pkey" PRIMARY KEY ("tier","repository_id")
);

-- CreateTable
CREATE TABLE "pull_quota_usage" (
    "org_id" TEXT NOT NULL,
    "month" DATE NOT NULL,
    "pulls" INTEGER NOT NULL DEFAULT 0,
    "warned_at" TIMESTAMP(3),
    "refused_at" TIMESTAMP(3),

    CONSTRAINT "pull_quota_usage_pkey" PRIMARY KEY ("org_id","month")
);

-- CreateIndex
CREATE INDEX "plan_repositories_repository_id_idx" ON "plan_repositories"("repository_id");

-- AddForeignKey
ALTER TABLE "plan_repositories" ADD CONSTRAINT "plan_repositories_repository_id_fkey" FOREIGN KEY ("repository_id") REFERENCES "repositories"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "pull_quota_usage" ADD CONSTRAINT "pull_quota_usage_org_id_fkey" FOREIGN KEY ("org_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- This month's counted pulls so far, so the quota starts where the statistics are.
INSERT INTO "pull_quota_usage" ("org_id", "month", "pulls")
SELECT d."org_id", date_trunc('month', d."day")::date, sum(d."pulls")::int
FROM "pull_daily" d JOIN "organizations" o ON o."id" = d."org_id"
WHERE d."day" >= date_trunc('month', now() AT TIME ZONE 'UTC')::date
GROUP BY 1, 2
HAVING sum(d."pulls") > 0;
