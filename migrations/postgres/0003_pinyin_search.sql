-- Pinyin search keys of each service item's name ("shengyudengji sydj"), made when
-- the catalog is loaded (src/domain/search.rs).
ALTER TABLE service_items ADD COLUMN search_pinyin TEXT NOT NULL DEFAULT '';
