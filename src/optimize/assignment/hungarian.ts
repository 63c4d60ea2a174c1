/**
 * Minimum-cost assignment of workers (rows) to tasks (columns).
 * Hungarian method (Kuhn 1955; Munkres 1957) in its O(n³) form with dual potentials and shortest
 * augmenting paths, one row at a time (as described by Jonker & Volgenant 1987 and Lawler 1976).
 */
export interface AssignmentResult {
  /** assignment[row] = column given to that worker, or -1 when there are more workers than tasks. */
  readonly assignment: readonly number[];
  /** rowOf[column] = worker given that task, or -1 when there are more tasks than workers. */
  readonly rowOf: readonly number[];
  /** Sum of cost[row][assignment[row]] over assigned rows. */
  readonly cost: number;
}

/**
 * Solves a rows × columns cost matrix. A rectangular matrix is padded with zero-cost dummy rows or
 * columns, so exactly min(rows, columns) real pairs are made and their total cost is minimal.
 */
export function hungarian(cost: readonly (readonly number[])[]): AssignmentResult {
  const rows = cost.length;
  const cols = rows === 0 ? 0 : (cost[0]?.length ?? 0);
  cost.forEach((r, i) => {
    if (r.length !== cols) throw new RangeError(`cost row ${i} has ${r.length} entries, expected ${cols}`);
    r.forEach((c, j) => {
      if (!Number.isFinite(c)) throw new RangeError(`cost[${i}][${j}] must be a finite number, got ${String(c)}`);
    });
  });
  if (rows === 0 || cols === 0) {
    return { assignment: new Array<number>(rows).fill(-1), rowOf: new Array<number>(cols).fill(-1), cost: 0 };
  }
  const n = Math.max(rows, cols);
  // Flat square matrix; dummy cells cost 0 and cannot change which real pairs are optimal.
  const a = new Float64Array(n * n);
  for (let i = 0; i < rows; i++) {
    const r = cost[i] ?? [];
    for (let j = 0; j < cols; j++) a[i * n + j] = r[j] ?? 0;
  }

  // Index n is a virtual column that holds the row being inserted while its augmenting path grows.
  const u = new Float64Array(n); // row potentials
  const v = new Float64Array(n + 1); // column potentials
  const match = new Int32Array(n + 1).fill(-1); // match[col] = row
  const parent = new Int32Array(n + 1); // previous column on the shortest alternating path
  const slack = new Float64Array(n + 1);
  const done = new Uint8Array(n + 1);

  for (let row = 0; row < n; row++) {
    match[n] = row;
    let col = n;
    slack.fill(Infinity);
    done.fill(0);
    // Dijkstra-like growth on reduced costs until a free column is reached.
    do {
      done[col] = 1;
      const i = match[col] ?? -1;
      const ui = u[i] ?? 0;
      let delta = Infinity;
      let next = -1;
      for (let j = 0; j < n; j++) {
        if (done[j] === 1) continue;
        const reduced = (a[i * n + j] ?? 0) - ui - (v[j] ?? 0);
        if (reduced < (slack[j] ?? Infinity)) {
          slack[j] = reduced;
          parent[j] = col;
        }
        if ((slack[j] ?? Infinity) < delta) {
          delta = slack[j] ?? Infinity;
          next = j;
        }
      }
      // Shift the duals so the tree's edges stay tight and the new column's edge becomes tight.
      for (let j = 0; j <= n; j++) {
        if (done[j] === 1) {
          const r = match[j] ?? -1;
          u[r] = (u[r] ?? 0) + delta;
          v[j] = (v[j] ?? 0) - delta;
        } else {
          slack[j] = (slack[j] ?? 0) - delta;
        }
      }
      col = next;
    } while ((match[col] ?? -1) !== -1);
    // Flip the alternating path back to the virtual column.
    while (col !== n) {
      const prev = parent[col] ?? n;
      match[col] = match[prev] ?? -1;
      col = prev;
    }
  }

  const assignment = new Array<number>(rows).fill(-1);
  const rowOf = new Array<number>(cols).fill(-1);
  let total = 0;
  for (let j = 0; j < cols; j++) {
    const i = match[j] ?? -1;
    if (i >= 0 && i < rows) {
      assignment[i] = j;
      rowOf[j] = i;
      total += cost[i]?.[j] ?? 0;
    }
  }
  return { assignment, rowOf, cost: total };
}
