-- Roles on a site membership: "moderator" acts on comments and bans; "admin" also on the site's
-- settings, origins, moderators, webhooks, imports and data-rights requests.
-- CreateEnum
CREATE TYPE "SiteRole" AS ENUM ('moderator', 'admin');

-- AlterTable
ALTER TABLE "SiteModerator" ADD COLUMN "role" "SiteRole" NOT NULL DEFAULT 'moderator';
