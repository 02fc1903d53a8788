-- Downloads read a document a slice at a time (`DocumentSlices`). A slice of a value stored
-- compressed is decompressed from its start, every slice again; stored uncompressed out of line, a
-- slice reads only the TOAST chunks it covers. Most documents (PDF, images, office files, zip) are
-- compressed formats already; plain text and CSV now take their full size on disk.
ALTER TABLE proposal_documents ALTER COLUMN content SET STORAGE EXTERNAL;

-- Documents stored before are stored again the same way (a changed value is stored afresh; the
-- same value would keep its compressed copy).
UPDATE proposal_documents SET content = content || ''::bytea WHERE pg_column_compression(content) IS NOT NULL;
