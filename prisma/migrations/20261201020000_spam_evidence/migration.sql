-- Spam evidence at submission: the same text posted on several pages of a site (repeated_body).
-- CreateIndex
CREATE INDEX "Comment_siteId_fingerprint_createdAt_idx" ON "Comment"("siteId", "fingerprint", "createdAt");

-- Poisoning bound: how many decisions each moderator taught the classifier per day and label.
-- Past a daily cap a decision still moves the comment but no longer trains the model.
-- CreateTable
CREATE TABLE "SpamTrainingDay" (
    "siteId" TEXT NOT NULL,
    "moderatorId" UUID NOT NULL,
    "day" DATE NOT NULL,
    "label" TEXT NOT NULL,
    "count" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "SpamTrainingDay_pkey" PRIMARY KEY ("siteId","moderatorId","day","label")
);
