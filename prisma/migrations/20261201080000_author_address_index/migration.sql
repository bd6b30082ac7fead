-- A comment's author address, matched whatever its case and surrounding spaces: a returning author's post checks
-- for spam from that address since their proof, and privacy requests find a reader's comments. Written as
-- lower(btrim("email")), neither could use an index on "email", so each read all of the site's spam (or all its
-- comments): about 2 µs a row, ~100 ms for every proven author's post on a site holding 50,000 spam comments.
-- This index replaces ("siteId", "email", "status"), whose one exact-match query (the author's trained spam
-- count) now matches the address the same way.
-- Prisma's schema cannot express an expression index: schema.prisma says where it is, and
-- test/db/schemaMatchesMigrations.test.ts lists it among the objects beyond the Prisma schema.
DROP INDEX "Comment_siteId_email_status_idx";

CREATE INDEX "Comment_siteId_address_status_idx" ON "Comment"("siteId", lower(btrim("email")), "status");
