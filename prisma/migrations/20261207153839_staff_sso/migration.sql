-- CreateTable
CREATE TABLE "staff_sso_connections" (
    "id" TEXT NOT NULL,
    "protocol" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "jackson_client_id" TEXT NOT NULL,
    "metadata_url" TEXT,
    "source" TEXT NOT NULL DEFAULT 'settings',
    "env_fingerprint" TEXT,
    "last_sign_in_at" TIMESTAMP(3),
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "staff_sso_connections_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "staff_sso_group_roles" (
    "id" TEXT NOT NULL,
    "group_name" TEXT NOT NULL,
    "staff_role" TEXT NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "staff_sso_group_roles_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "staff_sso_connections_jackson_client_id_key" ON "staff_sso_connections"("jackson_client_id");

-- CreateIndex
CREATE UNIQUE INDEX "staff_sso_group_roles_group_name_key" ON "staff_sso_group_roles"("group_name");

