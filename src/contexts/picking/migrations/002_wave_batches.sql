-- Batch picking: the cart batches of a released wave (order ids per batch), from waves.wave.released. Reservations
-- of the wave then become one pick list per batch instead of one per order.
CREATE TABLE wave_batches (
  wave_id text PRIMARY KEY,
  batches jsonb NOT NULL CHECK (jsonb_typeof(batches) = 'array')
);
