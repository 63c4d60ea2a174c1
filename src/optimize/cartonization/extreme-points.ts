/**
 * Extreme-point placement in one container: Crainic, Perboli & Tadei (2008), "Extreme point-based heuristics for
 * three-dimensional bin packing", INFORMS J. Computing 20(3). After each placement the three far corners of the new
 * box are projected along the two other axes onto the nearest box face (or wall), giving up to six new points.
 */
import type { Box, Dims, Unit } from './geometry.ts';
import { boxesOverlap, le, lt } from './geometry.ts';

/** An extreme point with its residual space: free distance along +x, +y, +z before the first box or wall. */
interface ExtremePoint {
  readonly x: number;
  readonly y: number;
  readonly z: number;
  rx: number;
  ry: number;
  rz: number;
}

export interface PlacedBox extends Box {
  readonly unit: Unit;
}

/**
 * Merit functions of Crainic et al. (2008): 'rs' residual space (sum of slack along the three rays), 'fv' free volume
 * of the point's residual box left over, 'bb' volume of the bounding box of the packed items (keeps the pack compact).
 */
export type Merit = 'rs' | 'fv' | 'bb';
export const MERITS: readonly Merit[] = ['rs', 'fv', 'bb'];

export interface Candidate {
  readonly point: number;
  readonly dims: Dims;
  readonly score: number;
  readonly x: number;
  readonly y: number;
  readonly z: number;
}

/** Lexicographic comparison of two candidates: merit, then lowest z, y, x (a deterministic, gravity-friendly tie-break). */
export function better(a: Candidate, b: Candidate | undefined): boolean {
  if (b === undefined) return true;
  if (a.score !== b.score) return a.score < b.score;
  if (a.z !== b.z) return a.z < b.z;
  if (a.y !== b.y) return a.y < b.y;
  return a.x < b.x;
}

export class ExtremePointBin {
  readonly boxes: PlacedBox[] = [];
  private points: ExtremePoint[];
  weight = 0;
  volume = 0;
  private bbx = 0;
  private bby = 0;
  private bbz = 0;

  constructor(
    readonly size: Dims,
    readonly maxWeight: number = Infinity,
  ) {
    this.points = [{ x: 0, y: 0, z: 0, rx: size[0], ry: size[1], rz: size[2] }];
  }

  /** Best (point, orientation) for `unit` under `merit`, or undefined when it fits nowhere. */
  bestCandidate(unit: Unit, merit: Merit): Candidate | undefined {
    if (!le(this.weight + unit.weight, this.maxWeight)) return undefined;
    let best: Candidate | undefined;
    for (let p = 0; p < this.points.length; p++) {
      const ep = this.points[p]!;
      for (const o of unit.orientations) {
        const [l, w, h] = o;
        // Residual space is a necessary condition (the ray's first obstacle would be hit), so test it before overlaps.
        if (!le(l, ep.rx) || !le(w, ep.ry) || !le(h, ep.rz)) continue;
        if (!this.fits(ep.x, ep.y, ep.z, l, w, h)) continue;
        const score = this.score(ep, l, w, h, merit);
        const c: Candidate = { point: p, dims: o, score, x: ep.x, y: ep.y, z: ep.z };
        if (better(c, best)) best = c;
      }
    }
    return best;
  }

  private score(ep: ExtremePoint, l: number, w: number, h: number, merit: Merit): number {
    switch (merit) {
      case 'rs':
        return ep.rx - l + (ep.ry - w) + (ep.rz - h);
      case 'fv':
        return ep.rx * ep.ry * ep.rz - l * w * h;
      case 'bb':
        return Math.max(this.bbx, ep.x + l) * Math.max(this.bby, ep.y + w) * Math.max(this.bbz, ep.z + h);
    }
  }

  /** Inside the container and free of every placed box. */
  fits(x: number, y: number, z: number, l: number, w: number, h: number): boolean {
    if (!le(x + l, this.size[0]) || !le(y + w, this.size[1]) || !le(z + h, this.size[2])) return false;
    const probe: Box = { x, y, z, l, w, h };
    for (const b of this.boxes) if (boxesOverlap(probe, b)) return false;
    return true;
  }

  place(unit: Unit, c: Candidate): PlacedBox {
    const [l, w, h] = c.dims;
    const box: PlacedBox = { unit, x: c.x, y: c.y, z: c.z, l, w, h };
    this.boxes.push(box);
    this.weight += unit.weight;
    this.volume += unit.volume;
    this.bbx = Math.max(this.bbx, box.x + l);
    this.bby = Math.max(this.bby, box.y + w);
    this.bbz = Math.max(this.bbz, box.z + h);
    this.updatePoints(box);
    return box;
  }

  /** Convenience: place at the best candidate, returning false when the unit fits nowhere. */
  tryPlace(unit: Unit, merit: Merit): boolean {
    const c = this.bestCandidate(unit, merit);
    if (c === undefined) return false;
    this.place(unit, c);
    return true;
  }

  private updatePoints(k: Box): void {
    const kept: ExtremePoint[] = [];
    for (const ep of this.points) {
      if (contains(k, ep.x, ep.y, ep.z)) continue; // covered by the new box
      shrinkResidual(ep, k);
      kept.push(ep);
    }
    const [L, W, H] = this.size;
    const raw: [number, number, number][] = [];
    if (lt(k.x + k.l, L)) {
      raw.push([k.x + k.l, this.projectY(k.x + k.l, k.y, k.z), k.z]);
      raw.push([k.x + k.l, k.y, this.projectZ(k.x + k.l, k.y, k.z)]);
    }
    if (lt(k.y + k.w, W)) {
      raw.push([this.projectX(k.x, k.y + k.w, k.z), k.y + k.w, k.z]);
      raw.push([k.x, k.y + k.w, this.projectZ(k.x, k.y + k.w, k.z)]);
    }
    if (lt(k.z + k.h, H)) {
      raw.push([this.projectX(k.x, k.y, k.z + k.h), k.y, k.z + k.h]);
      raw.push([k.x, this.projectY(k.x, k.y, k.z + k.h), k.z + k.h]);
    }
    for (const [x, y, z] of raw) {
      if (kept.some((e) => e.x === x && e.y === y && e.z === z)) continue;
      if (this.boxes.some((b) => contains(b, x, y, z))) continue;
      kept.push(this.residual(x, y, z));
    }
    this.points = kept;
  }

  /** Project (x, y, z) along −x to the nearest face of a box whose yz-extent holds the ray, or the wall. */
  private projectX(x: number, y: number, z: number): number {
    let best = 0;
    for (const b of this.boxes) {
      const face = b.x + b.l;
      if (le(face, x) && face > best && inHalfOpen(y, b.y, b.w) && inHalfOpen(z, b.z, b.h)) best = face;
    }
    return best;
  }

  private projectY(x: number, y: number, z: number): number {
    let best = 0;
    for (const b of this.boxes) {
      const face = b.y + b.w;
      if (le(face, y) && face > best && inHalfOpen(x, b.x, b.l) && inHalfOpen(z, b.z, b.h)) best = face;
    }
    return best;
  }

  private projectZ(x: number, y: number, z: number): number {
    let best = 0;
    for (const b of this.boxes) {
      const face = b.z + b.h;
      if (le(face, z) && face > best && inHalfOpen(x, b.x, b.l) && inHalfOpen(y, b.y, b.w)) best = face;
    }
    return best;
  }

  private residual(x: number, y: number, z: number): ExtremePoint {
    const ep: ExtremePoint = { x, y, z, rx: this.size[0] - x, ry: this.size[1] - y, rz: this.size[2] - z };
    for (const b of this.boxes) shrinkResidual(ep, b);
    return ep;
  }
}

function inHalfOpen(v: number, start: number, length: number): boolean {
  return le(start, v) && lt(v, start + length);
}

function contains(b: Box, x: number, y: number, z: number): boolean {
  return inHalfOpen(x, b.x, b.l) && inHalfOpen(y, b.y, b.w) && inHalfOpen(z, b.z, b.h);
}

/** Shorten the point's free rays when box b stands in front of it along an axis. */
function shrinkResidual(ep: ExtremePoint, b: Box): void {
  if (le(ep.x, b.x) && inHalfOpen(ep.y, b.y, b.w) && inHalfOpen(ep.z, b.z, b.h)) ep.rx = Math.min(ep.rx, b.x - ep.x);
  if (le(ep.y, b.y) && inHalfOpen(ep.x, b.x, b.l) && inHalfOpen(ep.z, b.z, b.h)) ep.ry = Math.min(ep.ry, b.y - ep.y);
  if (le(ep.z, b.z) && inHalfOpen(ep.x, b.x, b.l) && inHalfOpen(ep.y, b.y, b.w)) ep.rz = Math.min(ep.rz, b.z - ep.z);
}
