-- Why: stories and celebration messages can carry photos (the relationships issue). Each
-- holds a JSON array of image hashes in the library's blobs/ folder, in the order added.
ALTER TABLE stories ADD COLUMN photos TEXT NOT NULL DEFAULT '[]';
ALTER TABLE celebration_messages ADD COLUMN photos TEXT NOT NULL DEFAULT '[]';
