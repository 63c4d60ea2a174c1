-- TA1 interchange acknowledgements (ADR 0040) are kept beside the 997s, 945s and 856s: doc_type is a transaction set
-- number or TA1.
ALTER TABLE edi_documents DROP CONSTRAINT edi_documents_doc_type_check;
ALTER TABLE edi_documents ADD CONSTRAINT edi_documents_doc_type_check CHECK (doc_type ~ '^([0-9]{3}|TA1)$');
