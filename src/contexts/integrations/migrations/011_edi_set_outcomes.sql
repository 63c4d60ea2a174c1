-- What each transaction set of a received interchange became (the answer's `transactionSets`: order or ASN made,
-- segment errors, the intake's refusal), kept with the interchange so that the same interchange sent again (same
-- partner and ISA13) is answered with the whole first account, not only its 997. Null for interchanges received before
-- this migration (their resend is answered with the 997 and no sets).
ALTER TABLE edi_documents ADD COLUMN set_outcomes jsonb;
