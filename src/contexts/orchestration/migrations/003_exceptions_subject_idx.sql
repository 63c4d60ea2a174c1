-- The exceptions about a subject, by kind: what an order's moves clear (`openAbout`) and what the stall alarm reads to
-- raise an acknowledged ORDER_NOT_MOVING again (`generationsOf`), every stall limit while the order sits; without it
-- each read scans every exception of the kind ever raised.
CREATE INDEX exceptions_subject_kind_idx ON exceptions (subject, kind);
