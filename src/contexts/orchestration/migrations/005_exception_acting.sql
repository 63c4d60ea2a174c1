-- The action a person is running on an open exception (action, by, at): set before the action's command runs, cleared when
-- it is refused. The command's own effect may clear the case first (a cancel's order.cancelled resolves the order's
-- exceptions): that resolution is then recorded as the person's action, by them, not as an automatic one.
ALTER TABLE exceptions ADD COLUMN acting jsonb;
