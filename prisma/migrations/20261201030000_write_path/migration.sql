-- Spam-wave digests: a new comment's fan-out looks for the moderator's waiting digest job by kind. Without
-- this index that lookup scanned every queued job, so a wave of thousands made each fan-out slower.
-- CreateIndex
CREATE INDEX "Job_kind_status_idx" ON "Job"("kind", "status");
