-- Whose units a pick line takes (ADR 0028): the reservation's owner, so picking.line.picked can name it and physical
-- tracking takes the picked units out of that owner's LPN at the pick face, never another owner's of the same SKU.
-- NULL on lines made before it (and on a reservation naming no owner): the default owner's.
ALTER TABLE pick_lines ADD COLUMN owner_id text;
