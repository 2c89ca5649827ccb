-- Version and channel entitlements: an entitlement may be limited to a channel (tag
-- patterns) and a semver range; the gateway learns which manifest each tag points to
-- and when it was published (perpetual fallback after a license expires).

-- AlterTable
ALTER TABLE "entitlements" ADD COLUMN     "channel" TEXT,
ADD COLUMN     "version_range" TEXT;

-- CreateTable
CREATE TABLE "repository_versions" (
    "repository_id" TEXT NOT NULL,
    "tag" TEXT NOT NULL,
    "digest" TEXT NOT NULL,
    "child_digests" TEXT[],
    "published_at" TIMESTAMP(3) NOT NULL,
    "seen_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "repository_versions_pkey" PRIMARY KEY ("repository_id","tag")
);

-- CreateIndex
CREATE INDEX "repository_versions_repository_id_digest_idx" ON "repository_versions"("repository_id", "digest");

-- AddForeignKey
ALTER TABLE "repository_versions" ADD CONSTRAINT "repository_versions_repository_id_fkey" FOREIGN KEY ("repository_id") REFERENCES "repositories"("id") ON DELETE CASCADE ON UPDATE CASCADE;

