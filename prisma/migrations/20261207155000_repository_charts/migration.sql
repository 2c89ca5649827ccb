-- A repository can be a Helm chart (an OCI artifact) that names its image: entitling
-- the image entitles the chart (lib/registry/credentials.ts). The chart's own version
-- (its default tag) replaces the image's chart_version.
-- AlterTable
ALTER TABLE "repositories" DROP COLUMN "chart_version",
ADD COLUMN     "image_id" TEXT,
ADD COLUMN     "kind" TEXT NOT NULL DEFAULT 'image';

-- CreateIndex
CREATE UNIQUE INDEX "repositories_image_id_key" ON "repositories"("image_id");

-- AddForeignKey
ALTER TABLE "repositories" ADD CONSTRAINT "repositories_image_id_fkey" FOREIGN KEY ("image_id") REFERENCES "repositories"("id") ON DELETE CASCADE ON UPDATE CASCADE;
-- (No CHECK constraint pairing kind and image_id: Prisma's wasm schema engine cannot introspect one offline; lib/registry/repositories.ts keeps them paired.)
