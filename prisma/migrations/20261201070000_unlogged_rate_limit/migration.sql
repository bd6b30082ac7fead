-- Flood counters are short-lived and worth nothing after a crash (a reader's allowance starts over), so the table
-- skips the write-ahead log: every POST upserts two of its rows, and a transaction that writes only unlogged
-- rows commits without waiting for a WAL flush. Not replicated either: only the primary counts floods.
ALTER TABLE "RateLimit" SET UNLOGGED;
