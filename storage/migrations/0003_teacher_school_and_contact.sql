-- Teachers belong to a school; anyone may choose to show a contact (@username) to others.

ALTER TABLE members ADD COLUMN school_id INTEGER REFERENCES schools(id) ON DELETE SET NULL;

-- 1 only after the person said yes in /perfil; username is stored only while it is 1.
ALTER TABLE members ADD COLUMN share_contact INTEGER NOT NULL DEFAULT 0;
ALTER TABLE members ADD COLUMN username TEXT;

CREATE INDEX members_school ON members(school_id);
