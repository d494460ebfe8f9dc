-- Why: derived files verified (the trust issue). Thumbnails and previews travel with photos
-- but are not named by their own content, so a member could plant a different picture for
-- someone else's photo. The laptop that imports a photo records the BLAKE3 hash of its
-- thumbnail and preview in the media row (set once, by the importer); a received derived file
-- that does not match is refused. Rows imported before this have none ('') and are taken as
-- they come.
ALTER TABLE media ADD COLUMN thumb_hash TEXT NOT NULL DEFAULT '';
ALTER TABLE media ADD COLUMN preview_hash TEXT NOT NULL DEFAULT '';
