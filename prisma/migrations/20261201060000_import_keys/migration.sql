-- Imported comments remember where they came from ("wxr:<blog>:<comment id>", "disqus:<forum>:<post id>",
-- "parley:<comment id>"), so running the same import again adds nothing twice. Native comments have none.
-- AlterTable
ALTER TABLE "Comment" ADD COLUMN "importKey" TEXT;

-- CreateIndex
CREATE UNIQUE INDEX "Comment_siteId_importKey_key" ON "Comment"("siteId", "importKey");
