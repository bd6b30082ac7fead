-- Data rights (readers' export and erasure requests), webhooks and their deliveries.

-- A reader's request, made by email link. Holds the address (lowercased) only until the request
-- is done or expires (24 h); the retention job deletes what is left.
-- CreateTable
CREATE TABLE "PrivacyRequest" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "siteId" TEXT NOT NULL,
    "email" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "confirmedAt" TIMESTAMP(3),

    CONSTRAINT "PrivacyRequest_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Webhook" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "siteId" TEXT NOT NULL,
    "url" TEXT NOT NULL,
    "events" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "secretEnc" TEXT NOT NULL,
    "createdById" UUID,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Webhook_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "WebhookDelivery" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "webhookId" UUID NOT NULL,
    "siteId" TEXT NOT NULL,
    "commentId" UUID,
    "event" TEXT NOT NULL,
    "body" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "responseStatus" INTEGER,
    "lastError" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastAttemptAt" TIMESTAMP(3),
    "deliveredAt" TIMESTAMP(3),

    CONSTRAINT "WebhookDelivery_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "PrivacyRequest_email_idx" ON "PrivacyRequest"("email");

-- CreateIndex
CREATE INDEX "PrivacyRequest_expiresAt_idx" ON "PrivacyRequest"("expiresAt");

-- CreateIndex
CREATE INDEX "Webhook_siteId_idx" ON "Webhook"("siteId");

-- CreateIndex
CREATE INDEX "WebhookDelivery_webhookId_createdAt_idx" ON "WebhookDelivery"("webhookId", "createdAt");

-- CreateIndex
CREATE INDEX "WebhookDelivery_commentId_idx" ON "WebhookDelivery"("commentId");

-- AddForeignKey
ALTER TABLE "Webhook" ADD CONSTRAINT "Webhook_siteId_fkey" FOREIGN KEY ("siteId") REFERENCES "Site"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "WebhookDelivery" ADD CONSTRAINT "WebhookDelivery_webhookId_fkey" FOREIGN KEY ("webhookId") REFERENCES "Webhook"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- The audit log stays append-only, with one exception: an erasure (and only an erasure, which sets
-- the transaction-local flag parley.erasure) may rewrite the text columns oldBody/newBody, to take an
-- erased reader's address out of the old and new texts of edits. Every other column must stay as it was.
CREATE OR REPLACE FUNCTION "parley_audit_append_only"() RETURNS trigger AS $$
BEGIN
  IF current_setting('parley.erasure', true) = 'on'
     AND NEW."id" = OLD."id" AND NEW."siteId" = OLD."siteId" AND NEW."commentId" = OLD."commentId"
     AND NEW."moderatorId" IS NOT DISTINCT FROM OLD."moderatorId" AND NEW."action" = OLD."action"
     AND NEW."fromStatus" IS NOT DISTINCT FROM OLD."fromStatus" AND NEW."toStatus" IS NOT DISTINCT FROM OLD."toStatus"
     AND NEW."via" = OLD."via" AND NEW."createdAt" = OLD."createdAt" THEN
    RETURN NEW;
  END IF;
  RAISE EXCEPTION 'AuditEvent is append-only';
END;
$$ LANGUAGE plpgsql;
