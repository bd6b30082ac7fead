-- A reader's own view of a thread (the shared cached thread plus their pending comments) is kept per instance,
-- keyed by the page's "pendingVersion" and the reader's owner tokens: their reloads then cost one shared page
-- lookup, as everyone's do. A reader's new comment comes with a new token, so it changes the key by itself;
-- every other change to a pending comment that has an owner (a moderator's decision or edit, the author's edit
-- or delete, an erasure, from any instance or by hand) bumps the version through these triggers. New comments
-- do not touch the page row, so a burst of held comments on one article still does not queue on its lock.
ALTER TABLE "Page" ADD COLUMN "pendingVersion" INTEGER NOT NULL DEFAULT 0;

CREATE FUNCTION "parley_bump_pending_version"() RETURNS trigger AS $$
BEGIN
  UPDATE "Page" SET "pendingVersion" = "pendingVersion" + 1 WHERE "id" = OLD."pageId";
  IF TG_OP = 'UPDATE' AND NEW."pageId" IS DISTINCT FROM OLD."pageId" THEN
    UPDATE "Page" SET "pendingVersion" = "pendingVersion" + 1 WHERE "id" = NEW."pageId";
  END IF;
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;

-- Only changes an owner's view shows: a pending comment's status, text, author fields, place or owner.
CREATE TRIGGER "Comment_pending_changed" AFTER UPDATE ON "Comment"
  FOR EACH ROW
  WHEN ((OLD."status" = 'pending' OR NEW."status" = 'pending') AND (
    OLD."status" IS DISTINCT FROM NEW."status" OR OLD."body" IS DISTINCT FROM NEW."body"
    OR OLD."name" IS DISTINCT FROM NEW."name" OR OLD."website" IS DISTINCT FROM NEW."website"
    OR OLD."pageId" IS DISTINCT FROM NEW."pageId" OR OLD."parentId" IS DISTINCT FROM NEW."parentId"
    OR OLD."rootId" IS DISTINCT FROM NEW."rootId" OR OLD."createdAt" IS DISTINCT FROM NEW."createdAt"
    OR OLD."ownerTokenHash" IS DISTINCT FROM NEW."ownerTokenHash"))
  EXECUTE FUNCTION "parley_bump_pending_version"();

CREATE TRIGGER "Comment_pending_deleted" AFTER DELETE ON "Comment"
  FOR EACH ROW
  WHEN (OLD."status" = 'pending')
  EXECUTE FUNCTION "parley_bump_pending_version"();
