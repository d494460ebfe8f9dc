-- Why: community health (the Community health issue). A member may leave themselves out of
-- the interaction graph and every figure of the health report; only they may set it. Which
-- people a lead's report has named this week lives in local_settings (never synced).
ALTER TABLE members ADD COLUMN health_opt_out INTEGER NOT NULL DEFAULT 0;
