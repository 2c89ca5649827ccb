-- AlterTable
ALTER TABLE "sso_connections" ADD COLUMN     "metadata_url" TEXT;
