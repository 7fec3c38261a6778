-- Activities over several days (a vaccination campaign, "semana de la lectura"): issue 13.
-- starts_at is the first day's start and ends_at the last day's end, so everything that reads
-- the interval (upcoming, reminders before the first day, check-ins after the last, clashes)
-- already covers the whole span. repeats_daily = 1 says the hours between them hold on each day
-- ("del 13 al 15 de julio de 9 a 13"), not the nights: clashes and cards read it.
ALTER TABLE activities ADD COLUMN repeats_daily INTEGER NOT NULL DEFAULT 0
    CHECK (repeats_daily IN (0, 1));
